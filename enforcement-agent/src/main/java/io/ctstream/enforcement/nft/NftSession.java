package io.ctstream.enforcement.nft;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived {@code nft -i} (interactive: one line of input is one transaction) for the element
 * changes of verdicts, instead of a new {@code nft -f -} per batch. Why: starting nft costs tens of
 * milliseconds, more through {@code ip netns exec} and on a busy machine (75-110 ms measured on the
 * shared 2-core machine), all of it in front of a pinhole; a line to a running nft costs under a
 * millisecond (issue 16).
 *
 * <p>A batch is the script's commands joined by {@code ;} on one line: nft applies all of it or, on
 * an error, none of it, as {@code nft -f} does. nft says nothing on success, so each batch is
 * followed by a command that always fails, {@code list table inet <marker n>}: its error on stderr
 * marks the end of the batch's output, and an {@code Error:} before the marker is the batch's own.
 * Scripts that are not one element command per line (the setup's table and chain blocks) and
 * listing go to a fresh {@link NftProcess}; so does a batch whose session broke (died, timed out):
 * the element commands are idempotent (add, delete, add), so applying them again is safe, and the
 * next batch starts a new session.
 */
public final class NftSession implements NftExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(NftSession.class);
    private static final long TIMEOUT_SECONDS = 30;
    private static final String MARKER = "ctstreambatchend";

    private final List<String> command;
    private final NftProcess fallback;
    private Process process;
    private OutputStream stdin;
    private BlockingQueue<String> stderr;
    private long batches;

    public NftSession(List<String> command) {
        this.command = List.copyOf(command);
        this.fallback = new NftProcess(command);
    }

    /** Starts nft now (its first start is the slow one) and checks that it answers. */
    public synchronized void open() throws NftException {
        ensureStarted();
        try {
            exchange("");
        } catch (SessionBroken e) {
            close();
            throw new NftException("nft -i does not answer: " + e.getMessage());
        }
    }

    @Override
    public synchronized void apply(String script) throws NftException {
        List<String> lines = script.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) {
            return;
        }
        if (!lines.stream().allMatch(NftSession::isElementCommand)) {
            fallback.apply(script);
            return;
        }
        try {
            ensureStarted();
            List<String> output = exchange(String.join("; ", lines));
            List<String> errors = output.stream().filter(l -> l.startsWith("Error:")).toList();
            if (!errors.isEmpty()) {
                throw new NftException("nft failed: " + String.join(" / ", output));
            }
        } catch (SessionBroken e) {
            LOG.warn(
                    "nft session broke ({}); applying the batch with a new nft process, a new session next time",
                    e.getMessage());
            close();
            fallback.apply(script);
        }
    }

    @Override
    public String listTableJson(String table) throws NftException {
        return fallback.listTableJson(table);
    }

    /**
     * One line each, all about elements: what one line of {@code nft -i} can carry as one
     * transaction.
     */
    private static boolean isElementCommand(String line) {
        return (line.startsWith("add element ") || line.startsWith("delete element "))
                && !line.contains(";")
                && line.indexOf('{') == line.lastIndexOf('{')
                && line.endsWith("}");
    }

    private void ensureStarted() throws NftException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(command);
        cmd.add("-i");
        try {
            process = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new NftException(
                    "cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
        stdin = process.getOutputStream();
        stderr = new LinkedBlockingQueue<>();
        BlockingQueue<String> lines = stderr;
        daemon("nft-session-stderr", () -> pump(process.getErrorStream(), lines));
        daemon("nft-session-stdout", () -> pump(process.getInputStream(), null));
    }

    /**
     * Sends {@code batch} (may be empty) and the marker; returns nft's stderr lines for the batch.
     */
    private List<String> exchange(String batch) throws SessionBroken {
        String marker = MARKER + (++batches);
        try {
            String input =
                    (batch.isEmpty() ? "" : batch + "\n") + "list table inet " + marker + "\n";
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new SessionBroken("cannot write to nft: " + e.getMessage());
        }
        List<String> output = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            String line;
            try {
                line = stderr.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SessionBroken("interrupted");
            }
            if (line == null) {
                throw new SessionBroken("no answer from nft within " + TIMEOUT_SECONDS + " s");
            }
            if (line == EOF) {
                throw new SessionBroken("nft exited");
            }
            if (line.contains(marker)) {
                // the marker's own "Error: No such file or directory" line came just before its
                // echo
                if (!output.isEmpty() && output.get(output.size() - 1).startsWith("Error:")) {
                    output.remove(output.size() - 1);
                }
                return output;
            }
            if (!line.matches(
                    "[\\s^~]*")) { // the carets under an echoed command (the marker's come next
                // time)
                output.add(line.strip());
            }
        }
    }

    private static final String EOF = new String("<eof>");

    private static void pump(InputStream in, BlockingQueue<String> lines) {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (lines != null) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the process is gone: the EOF below says so
        } finally {
            if (lines != null) {
                lines.add(EOF);
            }
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Ends the nft process (it also ends on its own when this JVM dies: its stdin closes). */
    @Override
    public synchronized void close() {
        if (process != null) {
            try {
                stdin.close();
            } catch (IOException e) {
                // gone already
            }
            process.destroy();
            process = null;
        }
    }

    private static final class SessionBroken extends Exception {
        SessionBroken(String message) {
            super(message);
        }
    }
}
