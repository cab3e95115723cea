package io.ctstream.capture.source;

import java.io.IOException;
import java.util.function.Supplier;

/** Where frames come from: capture files or live interfaces. */
public interface PacketSource {

    /**
     * Delivers frames until the source ends or {@link #stop()} is called. Sources with several
     * threads (one per interface) ask {@code sinks} for one sink per thread.
     *
     * @throws IOException on an unreadable or corrupt source (after delivering everything before
     *     it)
     */
    void run(Supplier<FrameSink> sinks) throws IOException;

    /** Asks {@link #run} to return soon; callable from any thread (signal handlers). */
    void stop();

    /** A description for logs, e.g. "replay of 3 files" or "live on eth0". */
    String describe();
}
