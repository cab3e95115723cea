package io.ctstream.capture.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs tshark, the reference decoder. Missing tshark fails the calling test with a clear message.
 */
public final class Tshark {
    private Tshark() {}

    /** One row per packet, one column per field, as {@code tshark -T fields} prints them. */
    public static List<String[]> fields(Path file, String... fields) {
        return fields(file, List.of(), fields);
    }

    /**
     * As {@link #fields(Path, String...)} with extra tshark options (e.g. {@code -o pref:value}).
     */
    public static List<String[]> fields(Path file, List<String> options, String... fields) {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "tshark",
                                "-n",
                                "-r",
                                file.toString(),
                                "-o",
                                "tcp.relative_sequence_numbers:FALSE",
                                "-T",
                                "fields",
                                "-E",
                                "separator=/t",
                                "-E",
                                "occurrence=f"));
        cmd.addAll(options);
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : run(cmd)) {
            String[] cols = Arrays.copyOf(line.split("\t", -1), fields.length);
            for (int i = 0; i < cols.length; i++) {
                if (cols[i] == null) {
                    cols[i] = "";
                }
            }
            rows.add(cols);
        }
        return rows;
    }

    /** The number of packets tshark reads from the file. */
    public static long count(Path file) {
        return run(List.of(
                        "tshark",
                        "-n",
                        "-r",
                        file.toString(),
                        "-T",
                        "fields",
                        "-e",
                        "frame.number"))
                .size();
    }

    private static List<String> run(List<String> cmd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            fail(
                    "tshark is required for this test and could not be started ("
                            + e.getMessage()
                            + "); install it: apt-get install -y tshark");
            throw new AssertionError(e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("tshark failed: " + String.join(" ", cmd) + " (exit " + p.exitValue() + ")");
            }
            List<String> lines = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (!l.isEmpty()) {
                    lines.add(l);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new AssertionError("reading tshark output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for tshark", e);
        }
    }
}
