package io.ctstream.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end, with a time limit, and keeps what it printed (stdout and stderr). */
final class Commands {
    private Commands() {}

    record Run(int exit, String output) {}

    /** {@code environment}: variables to remove ({@code null} value) or set. */
    static Run run(
            Path dir, int timeoutSeconds, List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        environment.forEach(
                (k, v) -> {
                    if (v == null) {
                        pb.environment().remove(k);
                    } else {
                        pb.environment().put(k, v);
                    }
                });
        Process p = pb.start();
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
                                // the process is gone; what was read is kept
                            }
                        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            reader.join(5000);
            throw new AssertionError(
                    command + " timed out after " + timeoutSeconds + " s:\n" + out);
        }
        reader.join(5000);
        return new Run(p.exitValue(), out.toString());
    }

    static Run run(Path dir, int timeoutSeconds, List<String> command)
            throws IOException, InterruptedException {
        return run(dir, timeoutSeconds, command, Map.of());
    }
}
