package io.ctstream.enforcement.nft;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the nft binary. The command is configurable so the agent (and tests) can run it inside a
 * network namespace: {@code ["ip", "netns", "exec", "ns1", "nft"]}.
 */
public final class NftProcess implements NftExecutor {
    private static final long TIMEOUT_SECONDS = 30;
    private final List<String> command;

    public NftProcess(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty nft command");
        }
        this.command = List.copyOf(command);
    }

    @Override
    public void apply(String script) throws NftException {
        Result r = run(List.of("-f", "-"), script);
        if (r.exit != 0) {
            throw new NftException("nft -f failed (exit " + r.exit + "): " + r.stderr.strip());
        }
    }

    @Override
    public String listTableJson(String table) throws NftException {
        Result r = run(List.of("-n", "-j", "list", "table", "inet", table), "");
        if (r.exit != 0) {
            if (r.stderr.contains("No such file or directory")) {
                return null;
            }
            throw new NftException(
                    "nft list table failed (exit " + r.exit + "): " + r.stderr.strip());
        }
        return r.stdout;
    }

    private record Result(int exit, String stdout, String stderr) {}

    private Result run(List<String> args, String stdin) throws NftException {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new NftException(
                    "cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out =
                CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<String> err =
                CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // nft exited early; its stderr says why
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NftException(
                        String.join(" ", cmd) + " did not finish in " + TIMEOUT_SECONDS + "s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NftException("interrupted while running nft", e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
