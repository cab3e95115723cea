package io.ctstream.capture.robustness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The traffic lab's captures, copied into the repository at testdata/lab. */
public final class LabFiles {
    private LabFiles() {}

    public static Path dir() {
        Path p = Path.of("..", "testdata", "lab");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("lab captures not found at " + p.toAbsolutePath());
        }
        return p;
    }

    public static List<Path> pcaps() {
        try (Stream<Path> s = Files.list(dir())) {
            List<Path> all =
                    s.filter(f -> f.getFileName().toString().endsWith(".pcap"))
                            .sorted()
                            .collect(Collectors.toList());
            if (all.isEmpty()) {
                throw new IllegalStateException("no *.pcap in " + dir().toAbsolutePath());
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
