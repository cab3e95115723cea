package io.ctstream.bench.support;

import io.ctstream.capture.agent.CaptureAgent;
import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.agent.CaptureTotals;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** One capture-agent replay of a pcap into a topic, exactly as {@code ctstream replay} runs it. */
public final class AgentReplay {
    /** The sensor id of every bench replay (the pinhole policy's gateway is fed by it). */
    public static final String SENSOR = "bench";

    private AgentReplay() {}

    /**
     * @param speed 0: as fast as possible, else the recorded pace times {@code speed}
     */
    public static CaptureTotals run(
            BenchCluster cluster, Path pcap, String topic, double speed, Properties extraClient)
            throws IOException {
        Properties client = cluster.clientProperties();
        client.putAll(extraClient);
        CaptureTotals totals =
                new CaptureAgent(
                                CaptureAgentConfig.builder()
                                        .sensorId(SENSOR)
                                        .topic(topic)
                                        .clientProperties(client)
                                        .replay(List.of(pcap), speed)
                                        .progress(false)
                                        .build(),
                                new SimpleMeterRegistry())
                        .run();
        if (totals.published() != totals.decoded()) {
            throw new IllegalStateException("the agent lost records: " + totals.describe());
        }
        return totals;
    }

    public static CaptureTotals run(BenchCluster cluster, Path pcap, String topic)
            throws IOException {
        return run(cluster, pcap, topic, 0, new Properties());
    }
}
