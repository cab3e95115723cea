package io.ctstream.embedded.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Data directories of the embedded servers: a given one that persists, or a temporary one. */
public final class DataDirs {

    private DataDirs() {}

    /**
     * {@code given} (created if missing), or a new temporary directory named after {@code prefix}.
     */
    public static Path createOrTemp(Path given, String prefix) {
        try {
            if (given != null) {
                return Files.createDirectories(given.toAbsolutePath());
            }
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create data directory " + (given != null ? given : prefix), e);
        }
    }

    /**
     * Deletes a directory tree; best effort (a leftover temp file is no reason to fail a test run).
     */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(
                    dir,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.deleteIfExists(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path d, IOException exc)
                                throws IOException {
                            Files.deleteIfExists(d);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            // best effort
        }
    }

    /**
     * Writes a logback configuration that prints WARN and above to stdout (the child's log file).
     */
    public static Path writeWarnLogbackConfig(Path dir) {
        Path file = dir.resolve("logback.xml");
        String xml =
                "<configuration>\n"
                        + "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                        + "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>\n"
                        + "  </appender>\n"
                        + "  <root level=\"WARN\"><appender-ref ref=\"OUT\"/></root>\n"
                        + "</configuration>\n";
        try {
            return Files.writeString(file, xml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
