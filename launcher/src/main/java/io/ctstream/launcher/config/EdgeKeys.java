package io.ctstream.launcher.config;

import static io.ctstream.streams.config.Tunable.duration;
import static io.ctstream.streams.config.Tunable.integer;
import static io.ctstream.streams.config.Tunable.ports;

import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.batch.BatchOptions;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.streams.config.TunableSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code edge.*} keys: what a capture agent keeps and sends ({@code ctstream replay}, {@code
 * capture} and the sensor of {@code analyze}), bound to a {@link CaptureAgentConfig.Builder}.
 */
public final class EdgeKeys {
    public static final String HELPER_PORTS = "edge.helper-ports";

    public static final TunableSet<CaptureAgentConfig.Builder> KEYS =
            new TunableSet<>(
                    List.of(
                            integer(
                                    "edge.payload-cap",
                                    EdgePayloadPolicy.DEFAULT_CAP,
                                    0,
                                    65535,
                                    "Payload bytes a sensor keeps of a packet to or from a helper port (all other packets travel as "
                                            + "headers only).",
                                    CaptureAgentConfig.Builder::payloadCap),
                            ports(
                                    HELPER_PORTS,
                                    null,
                                    "TCP ports whose payload a sensor keeps for the helpers. Default: the ports of every "
                                            + "helper.<kind>.ports (21,6667 unless they are set).",
                                    (b, v) -> b.helperPorts(new ArrayList<>(v))),
                            integer(
                                    "edge.batch.packets",
                                    BatchOptions.DEFAULT_PACKETS,
                                    1,
                                    1024,
                                    "At most this many packets of one flow per packets record (1: no batching).",
                                    CaptureAgentConfig.Builder::batchPackets),
                            duration(
                                    "edge.batch.age",
                                    Duration.ofNanos(BatchOptions.DEFAULT_MICROS * 1000),
                                    "A flow's batch is published once its first packet is this old, in capture time (live: also "
                                            + "on the wall clock).",
                                    (b, v) -> b.batchMicros(v.toNanos() / 1000)),
                            integer(
                                    "edge.queue",
                                    CaptureAgentConfig.DEFAULT_QUEUE_CAPACITY,
                                    1,
                                    Integer.MAX_VALUE,
                                    "Records queued in front of the producer.",
                                    CaptureAgentConfig.Builder::queueCapacity)));

    private EdgeKeys() {}
}
