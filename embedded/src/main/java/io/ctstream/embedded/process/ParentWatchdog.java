package io.ctstream.embedded.process;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child JVM: {@code ParentWatchdog <real main class> [args...]}.
 *
 * <p>The parent keeps the child's stdin pipe open for the child's whole life. When the parent dies
 * in any way (even {@code kill -9}), the kernel closes that pipe, this watchdog reads EOF and the
 * child exits: first through {@link System#exit} so the server's shutdown hooks flush its data,
 * then by {@link Runtime#halt} if the hooks hang. No orphaned broker or registry survives a test
 * run.
 *
 * <p>This class uses the JDK only: for the registry it is copied alone into a directory on the
 * child's class path, so none of ctstream's jars end up on Quarkus' class path.
 */
public final class ParentWatchdog {

    /** How long the server's own shutdown hooks may take after the parent is gone. */
    static final long HALT_AFTER_MILLIS = 15_000;

    private ParentWatchdog() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ParentWatchdog <main class> [args...]");
            System.exit(2);
        }
        Thread watcher = new Thread(ParentWatchdog::exitOnStdinEof, "ctstream-parent-watchdog");
        watcher.setDaemon(true);
        watcher.start();

        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void exitOnStdinEof() {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the parent never writes; anything it might write is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the same as EOF: the parent is gone
        }
        Thread halter =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(HALT_AFTER_MILLIS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            Runtime.getRuntime().halt(3);
                        },
                        "ctstream-parent-watchdog-halt");
        halter.setDaemon(true);
        halter.start();
        System.err.println("ctstream watchdog: parent process gone (stdin closed), exiting");
        System.exit(3);
    }
}
