package io.ctstream.capture.source;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs a task on a fresh thread that has joined a named network namespace ({@code ip netns add
 * NAME}, i.e. {@code /run/netns/NAME}) with {@code setns(2)}.
 *
 * <p>Why: a capture socket belongs to the namespace it was opened in, whatever thread reads it
 * later. Opening the interfaces of a gateway namespace this way lets one JVM capture there while
 * its Kafka clients stay in the host's namespace (where the broker is). The thread ends with the
 * task, so no thread of the JVM is ever left in another namespace. Needs CAP_SYS_ADMIN (root).
 */
final class NetworkNamespaceThread {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    /** The two libc calls needed; pcap4j already brings JNA. */
    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private NetworkNamespaceThread() {}

    /**
     * {@code /run/netns/NAME}; the name must be a plain file name, as {@code ip netns} makes them.
     */
    static Path path(String name) {
        if (name == null
                || name.isBlank()
                || name.contains("/")
                || name.equals(".")
                || name.equals("..")) {
            throw new IllegalArgumentException("bad network namespace name '" + name + "'");
        }
        return Path.of("/run/netns", name);
    }

    /**
     * Calls {@code task} inside namespace {@code name} and returns its result.
     *
     * @throws CaptureSetupException when the namespace does not exist or cannot be joined
     */
    static <T> T call(String name, Callable<T> task) {
        Path ns = path(name);
        if (!Files.exists(ns)) {
            throw new CaptureSetupException(
                    "no network namespace '"
                            + name
                            + "' ("
                            + ns
                            + " is missing; see ip netns list)",
                    null);
        }
        FutureTask<T> run =
                new FutureTask<>(
                        () -> {
                            join(ns);
                            return task.call();
                        });
        Thread t = new Thread(run, "ctstream-netns-" + name);
        t.start();
        try {
            return run.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CaptureSetupException(
                    "in network namespace " + name + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureSetupException(
                    "interrupted while opening in network namespace " + name, e);
        }
    }

    private static void join(Path ns) {
        LibC libc;
        try {
            libc = Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError e) {
            throw new CaptureSetupException(
                    "cannot load libc to join " + ns + ": " + e.getMessage(), e);
        }
        int fd;
        try {
            fd = libc.open(ns.toString(), O_RDONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new CaptureSetupException("cannot open " + ns + ": errno " + e.getErrorCode(), e);
        }
        try {
            libc.setns(fd, CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new CaptureSetupException(
                    "cannot join network namespace "
                            + ns
                            + ": errno "
                            + e.getErrorCode()
                            + (e.getErrorCode() == 1 ? " (EPERM: needs root / CAP_SYS_ADMIN)" : ""),
                    e);
        } finally {
            libc.close(fd);
        }
    }
}
