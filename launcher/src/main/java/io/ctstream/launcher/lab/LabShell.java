package io.ctstream.launcher.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the lab's system commands ({@code ip}, {@code nft}, {@code ethtool}, servers, clients). */
public final class LabShell {
    /** What a finished command did. */
    public record Result(List<String> command, int exitCode, String output, long millis) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private LabShell() {}

    /**
     * Runs {@code cmd}; returns its output, throws {@link LabException} with it on a non-zero exit.
     */
    public static String run(String... cmd) {
        Result r = status(List.of(cmd), 60);
        if (!r.ok()) {
            throw new LabException(
                    String.join(" ", cmd)
                            + " failed (exit "
                            + r.exitCode()
                            + "): "
                            + r.output().strip());
        }
        return r.output();
    }

    /**
     * Runs {@code cmd} for at most {@code timeoutSeconds}; the exit code is -1 when it had to be
     * killed.
     */
    public static Result status(List<String> cmd, int timeoutSeconds) {
        long start = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // read on the side so a chatty command cannot block on a full pipe while we wait
            StringBuilder out = new StringBuilder();
            Thread reader =
                    new Thread(
                            () -> {
                                try {
                                    out.append(
                                            new String(
                                                    p.getInputStream().readAllBytes(),
                                                    StandardCharsets.UTF_8));
                                } catch (IOException ignored) {
                                    // the process was killed
                                }
                            },
                            "lab-shell-output");
            reader.start();
            int code;
            if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                code = p.exitValue();
            } else {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                code = -1;
            }
            reader.join(5_000);
            return new Result(
                    List.copyOf(cmd),
                    code,
                    out.toString(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new LabException(
                    "cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted running " + String.join(" ", cmd), e);
        }
    }

    /** Starts {@code cmd} in the background, output to {@code log}. */
    public static Process start(Path log, List<String> cmd) {
        try {
            return new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new LabException(
                    "cannot start " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code tool} is an executable on the PATH or in the usual sbin directories. */
    public static boolean onPath(String tool) {
        List<String> dirs =
                new ArrayList<>(
                        List.of(
                                "/usr/sbin",
                                "/sbin",
                                "/usr/bin",
                                "/bin",
                                "/usr/local/sbin",
                                "/usr/local/bin"));
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    /** The effective user id (0 = root), or -1 when it cannot be read. */
    public static long uid() {
        try {
            return Long.parseLong(status(List.of("id", "-u"), 10).output().strip());
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
