package io.ctstream.embedded.process;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server running in a child JVM under {@link ParentWatchdog}: the parent holds the child's stdin
 * open, so the child dies with the parent even on {@code kill -9}. The child's stdout and stderr go
 * to a log file, whose tail is attached to start-up errors.
 */
public final class ChildJvm {

    private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);

    private final String name;
    private final Process process;
    private final OutputStream stdinHold;
    private final Path logFile;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.stdinHold = process.getOutputStream();
        this.logFile = logFile;
    }

    /**
     * Starts {@code java <jvmArgs> -cp <classPath> ParentWatchdog <mainClass> <args>}, appending
     * its output to {@code logFile}.
     */
    public static ChildJvm start(
            String name,
            List<String> classPath,
            List<String> jvmArgs,
            String mainClass,
            List<String> args,
            Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
        command.add(ParentWatchdog.class.getName());
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Process process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                            .start();
            log.debug("{}: started pid {}: {}", name, process.pid(), command);
            return new ChildJvm(name, process, logFile);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** The {@code java} launcher of the running JVM, so the child runs on the same Java. */
    static String javaExecutable() {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    /** The class path of the running JVM (under surefire or from the shaded launcher jar alike). */
    public static List<String> currentClassPath() {
        return List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Waits for a child that is expected to finish by itself (a tool run); returns its exit code.
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new IllegalStateException(
                        name + " did not finish within " + timeout + "\n" + logTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        } finally {
            closeStdin();
        }
    }

    /** SIGTERM (the server's shutdown hooks run), then SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn(
                            "{} (pid {}) did not stop within {}; killing it",
                            name,
                            process.pid(),
                            grace);
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
        closeStdin();
    }

    /** SIGKILL, no shutdown hooks: what a crash looks like. Waits until the process is gone. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeStdin();
    }

    /** Closes the pipe the watchdog reads; the same as the parent dying (tests use it directly). */
    void closeStdin() {
        try {
            stdinHold.close();
        } catch (IOException e) {
            // the child is gone already
        }
    }

    /** The last lines of the child's log, for error messages. */
    public String logTail() {
        return tail(logFile, 40);
    }

    /** The last {@code lines} lines of a file (reads at most its last 16 KiB). */
    public static String tail(Path file, int lines) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - 16 * 1024);
            byte[] bytes = new byte[(int) (length - from)];
            raf.seek(from);
            raf.readFully(bytes);
            List<String> all =
                    new String(bytes, StandardCharsets.UTF_8).lines().collect(Collectors.toList());
            return "--- last lines of "
                    + file
                    + " ---\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ": " + e.getMessage() + ")";
        }
    }

    /** The exit code if the child has ended. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
