package io.ctstream.launcher.scratch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher's temporary directories (analyze's streams state, the demo's work directory): named
 * {@code ctstream-<kind>-<pid>-<random>} in the system's temporary directory, deleted when the run
 * ends, on a normal exit and on Ctrl-C (a shutdown hook); and, since a killed JVM runs neither,
 * deleted by the next command's {@link #sweep()} once the process that made them is gone.
 */
public final class ScratchDirectories {
    /** ctstream-<kind>-<pid>-<random>: the pid says whether its owner still runs. */
    private static final Pattern NAME = Pattern.compile("ctstream-[a-z-]+?-(\\d+)-[^/]*");

    private ScratchDirectories() {}

    /** A new directory for this process, deleted at the latest when the JVM exits. */
    public static Path create(String kind) {
        try {
            Path dir =
                    Files.createTempDirectory(
                            "ctstream-" + kind + "-" + ProcessHandle.current().pid() + "-");
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> delete(dir), "ctstream-scratch-cleanup"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create a temporary directory in " + tmp() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the directories of {@link #create} whose process no longer runs (a killed run's);
     * returns them.
     */
    public static List<Path> sweep() {
        return sweep(tmp());
    }

    static List<Path> sweep(Path parent) {
        List<Path> deleted = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, "ctstream-*")) {
            for (Path dir : dirs) {
                Matcher m = NAME.matcher(dir.getFileName().toString());
                if (m.matches() && Files.isDirectory(dir) && !running(Long.parseLong(m.group(1)))) {
                    delete(dir);
                    deleted.add(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover is no reason to fail the command
        }
        return deleted;
    }

    private static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Deletes a directory tree, best effort. */
    public static void delete(Path dir) {
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

    private static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
