package io.ctstream.embedded.process;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of a server in a {@link ChildJvm}, shared by the embedded broker and registry:
 * start (ports chosen once, and again only when another process took them between picking and
 * binding on a first start), wait until it serves, stop gracefully or kill as in a crash, restart
 * on the same ports. What differs between the servers (their ports, command line and readiness
 * check) is the {@link Server} they pass in.
 */
public final class ChildServer {

    private static final Logger log = LoggerFactory.getLogger(ChildServer.class);
    private static final int MAX_PORT_ATTEMPTS = 3;
    private static final long POLL_MILLIS = 100;

    /** What one kind of server does at each step. */
    public interface Server {
        /**
         * Chooses the ports of a first start (the given ones, or free ones); again after a port
         * clash.
         */
        void choosePorts();

        /** Writes the server's configuration and starts its child JVM. */
        ChildJvm launch();

        /**
         * Returns once the started server serves, before {@code deadlineNanos} ({@link #await}
         * polls).
         */
        void awaitReady(long deadlineNanos) throws InterruptedException;
    }

    /**
     * One readiness check: null when ready, else what was seen (it ends the error message when time
     * runs out).
     */
    @FunctionalInterface
    public interface Probe extends Callable<String> {}

    private final String name;
    private final boolean portsGiven;
    private final Duration stopGrace;
    private final Duration readyTimeout;
    private final Server server;
    private boolean portsChosen;
    private ChildJvm child;

    /**
     * @param name the server's name in messages ("Kafka", "the registry")
     * @param portsGiven whether the caller fixed the ports (then a clash is an error, never a
     *     retry)
     * @param stopGrace how long {@link #stop} waits after SIGTERM before it kills
     * @param readyTimeout how long a start may take until the server serves
     */
    public ChildServer(
            String name,
            boolean portsGiven,
            Duration stopGrace,
            Duration readyTimeout,
            Server server) {
        this.name = name;
        this.portsGiven = portsGiven;
        this.stopGrace = stopGrace;
        this.readyTimeout = readyTimeout;
        this.server = server;
    }

    /** Starts the server and waits until it serves; false when it was running already. */
    public synchronized boolean start() {
        if (isRunning()) {
            return false;
        }
        boolean firstStart = !portsChosen;
        if (firstStart) {
            // chosen once: a restart keeps the address clients already know
            server.choosePorts();
            portsChosen = true;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                child = server.launch();
                server.awaitReady(System.nanoTime() + readyTimeout.toNanos());
                return true;
            } catch (ChildExitedException e) {
                if (!firstStart || portsGiven || attempt == MAX_PORT_ATTEMPTS || !e.isPortClash()) {
                    throw e;
                }
                log.warn("{}'s port was taken meanwhile; retrying on other ports", name);
                server.choosePorts();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }

    /**
     * Polls {@code probe} until it reports ready. Fails with {@link ChildExitedException} (and the
     * log's tail) when the child ends meanwhile, and kills the child when the deadline passes.
     */
    public void await(long deadlineNanos, String what, Probe probe) throws InterruptedException {
        String last = "no answer";
        while (System.nanoTime() < deadlineNanos) {
            ChildJvm c = child();
            if (!c.isAlive()) {
                throw new ChildExitedException(
                        name + " exited with code " + c.exitCode().orElse(-1) + " while starting",
                        c.logTail());
            }
            try {
                last = probe.call();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e.toString();
            }
            if (last == null) {
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
        ChildJvm c = child();
        String tail = c.logTail();
        c.kill();
        throw new IllegalStateException(
                name
                        + " did not become ready "
                        + what
                        + " within "
                        + readyTimeout
                        + " (last: "
                        + last
                        + ")\n"
                        + tail);
    }

    /** The running child; fails when there is none. */
    public synchronized ChildJvm child() {
        if (child == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return child;
    }

    public synchronized boolean isRunning() {
        return child != null && child.isAlive();
    }

    /**
     * Graceful shutdown (SIGTERM, the server's shutdown hooks run), forcible after the stop grace.
     */
    public synchronized void stop() {
        if (child != null) {
            child.stop(stopGrace);
            child = null;
        }
    }

    /** SIGKILL: the server dies without any shutdown, as in a crash. {@link #start} recovers it. */
    public synchronized void kill() {
        if (child != null) {
            child.kill();
            child = null;
        }
    }
}
