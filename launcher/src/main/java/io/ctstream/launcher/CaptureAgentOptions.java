package io.ctstream.launcher;

import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.batch.BatchOptions;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.metrics.MetricsOptions;
import io.ctstream.schemas.Topics;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options the {@code replay} and {@code capture} commands share. */
final class CaptureAgentOptions {
    @Option(
            names = "--sensor",
            required = true,
            paramLabel = "ID",
            description = "Id of this sensor, written into every record.")
    String sensorId;

    // Unset options leave the config file's edge.* keys (CONFIGURATION.md), or their defaults, in
    // force.
    @Option(
            names = "--helper-ports",
            split = ",",
            paramLabel = "PORT[,PORT...]",
            description =
                    "TCP ports whose payload is kept for the helpers (edge.helper-ports; default: 21,6667).")
    List<Integer> helperPorts;

    @Option(
            names = "--udp-helper-ports",
            split = ",",
            paramLabel = "PORT[,PORT...]",
            description = "UDP ports whose payload is kept for the helpers (default: 69, TFTP).")
    List<Integer> udpHelperPorts;

    @Option(
            names = "--payload-cap",
            paramLabel = "BYTES",
            description =
                    "Payload bytes kept per packet (edge.payload-cap; default: "
                            + EdgePayloadPolicy.DEFAULT_CAP
                            + ").")
    Integer payloadCap;

    @Option(
            names = "--queue",
            paramLabel = "RECORDS",
            description =
                    "Capacity of the queue in front of the producer (edge.queue; default: "
                            + CaptureAgentConfig.DEFAULT_QUEUE_CAPACITY
                            + ").")
    Integer queueCapacity;

    @Option(
            names = "--batch-packets",
            paramLabel = "N",
            description =
                    "At most N packets of one flow per record (1 = no batching, one record per packet; "
                            + "edge.batch.packets; default: "
                            + BatchOptions.DEFAULT_PACKETS
                            + ").")
    Integer batchPackets;

    @Option(
            names = "--batch-micros",
            paramLabel = "MICROS",
            description =
                    "A flow's batch is published once its first packet is this old, in capture time; live also "
                            + "on the wall clock (edge.batch.age; default: "
                            + BatchOptions.DEFAULT_MICROS
                            + ").")
    Long batchMicros;

    @Option(
            names = "--sensor-topic",
            description =
                    "Publish to this sensor's own topic, <prefix>packets.<sensor>, which only its Kafka principal "
                            + "may write, for streams-app with --sensor-topics (SECURITY.md); default: the shared packets topic.")
    boolean sensorTopic;

    @Mixin MetricsOptions metrics = new MetricsOptions();

    /** The config file's and {@code --set}'s edge keys, then these options where given. */
    CaptureAgentConfig.Builder apply(ClientOptions client, CaptureAgentConfig.Builder b) {
        client.requireBootstrapServers();
        client.requireSchemaRegistryUrl();
        String topic;
        try {
            topic =
                    sensorTopic
                            ? Topics.sensorPackets(client.topicPrefix(), sensorId)
                            : Topics.name(client.topicPrefix(), Topics.PACKETS);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(
                    "--sensor " + sensorId + " with --sensor-topic: " + e.getMessage(), e);
        }
        client.config()
                .bindEdge(b)
                .sensorId(sensorId)
                .topic(topic)
                .clientProperties(client.properties());
        if (helperPorts != null) {
            b.helperPorts(helperPorts);
        }
        if (udpHelperPorts != null) {
            b.udpHelperPorts(udpHelperPorts);
        }
        if (payloadCap != null) {
            b.payloadCap(payloadCap);
        }
        if (queueCapacity != null) {
            b.queueCapacity(queueCapacity);
        }
        if (batchPackets != null) {
            b.batchPackets(batchPackets);
        }
        if (batchMicros != null) {
            b.batchMicros(batchMicros);
        }
        return b;
    }
}
