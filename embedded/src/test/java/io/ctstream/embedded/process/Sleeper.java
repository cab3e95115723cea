package io.ctstream.embedded.process;

/** A child main that never ends by itself: only the watchdog (or a signal) ends it. */
public final class Sleeper {
    private Sleeper() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println("sleeping");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
