package io.ctstream.launcher;

import io.ctstream.capture.agent.CaptureAgent;
import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.agent.CaptureRunException;
import io.ctstream.capture.agent.CaptureTotals;
import io.ctstream.capture.file.CaptureFileException;
import io.ctstream.capture.source.CaptureSetupException;
import io.ctstream.launcher.errors.ExitCodes;
import io.ctstream.launcher.metrics.MetricsOptions;
import io.ctstream.launcher.metrics.PrometheusMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Runs a capture agent for the {@code replay} and {@code capture} commands: SIGINT/SIGTERM stop the
 * source, the agent flushes its producer, and the totals are printed either way.
 */
final class CaptureAgentRunner {
    private CaptureAgentRunner() {}

    static int run(CaptureAgentConfig config, MetricsOptions metricsOptions) {
        try (PrometheusMetrics metrics = metricsOptions.start()) {
            return run(config, metrics);
        } catch (UncheckedIOException e) {
            System.err.println("ctstream: " + e.getMessage());
            return 2;
        }
    }

    /**
     * tshark's words for a capture that ends inside a record ("appears to have been cut short in
     * the middle of a packet"), with where.
     */
    static String cutShort(CaptureFileException cut) {
        return "the capture file "
                + cut.file()
                + " appears to have been cut short in the middle of a packet; "
                + "the packets before it were processed ("
                + cut.getMessage()
                + ")";
    }

    private static int run(CaptureAgentConfig config, PrometheusMetrics metrics) {
        CaptureAgent agent;
        try {
            agent = new CaptureAgent(config, metrics.registry());
        } catch (IOException | IllegalArgumentException | SerializationException e) {
            // SerializationException: the registry refused the packet schema or could not be
            // reached
            System.err.println("ctstream: " + e.getMessage());
            return 2;
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            agent.stop();
                            try {
                                done.await(
                                        config.shutdownTimeout().toMillis() + 5_000,
                                        TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "ctstream-capture-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            CaptureTotals totals = agent.run();
            System.err.println("ctstream: " + totals.describe());
            return totals.droppedTotal() == 0 ? 0 : 1;
        } catch (CaptureRunException e) {
            if (e.getCause() instanceof CaptureFileException cut && cut.truncated()) {
                // what was read is published and reported, as tshark does, then the warning and its
                // own status
                System.err.println("ctstream: " + e.totals().describe());
                System.err.println("ctstream: warning: " + cutShort(cut));
                return e.totals().droppedTotal() == 0
                        ? ExitCodes.TRUNCATED_INPUT
                        : ExitCodes.FAILED;
            }
            System.err.println("ctstream: " + e.getMessage());
            System.err.println("ctstream: before the error: " + e.totals().describe());
            return 1;
        } catch (CaptureSetupException | IllegalArgumentException e) {
            System.err.println("ctstream: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("ctstream: " + e.getMessage());
            return 1;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the latch counted down above
            }
        }
    }
}
