package io.ctstream.streams.faults;

import io.ctstream.streams.StreamsApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;

/**
 * A streams-app instance in its own JVM, for kill -9. Arguments: bootstrap servers, registry URL,
 * topic prefix, state directory, instance name. Runs until killed (SIGTERM closes it cleanly).
 */
public final class StreamsChild {
    private StreamsChild() {}

    public static void main(String[] args) throws Exception {
        StreamsApp app =
                new StreamsApp(
                        FaultPipeline.instance(
                                args[2], args[0], args[1], Path.of(args[3]), args[4]),
                        new SimpleMeterRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));
        app.start();
        Thread.currentThread().join();
    }
}
