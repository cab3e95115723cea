package io.ctstream.launcher;

import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.batch.BatchOptions;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.metrics.MetricsOptions;
import io.ctstream.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options the {@code replay} and {@code capture} commands share. */
final class CaptureAgentOptions {
    @Option(names = "--sensor", required = true, paramLabel = "ID", description = "Id of this sensor, written into every record.")
    String sensorId;

    @Option(names = "--helper-ports", split = ",", paramLabel = "PORT[,PORT...]",
            description = "TCP ports whose payload is kept for the helpers (default: 21,6667).")
    List<Integer> helperPorts = new ArrayList<>(EdgePayloadPolicy.DEFAULT_HELPER_PORTS);

    @Option(names = "--payload-cap", paramLabel = "BYTES", description = "Payload bytes kept per packet (default: ${DEFAULT-VALUE}).")
    int payloadCap = EdgePayloadPolicy.DEFAULT_CAP;

    @Option(names = "--queue", paramLabel = "RECORDS", description = "Capacity of the queue in front of the producer (default: ${DEFAULT-VALUE}).")
    int queueCapacity = 65_536;

    @Option(names = "--batch-packets", paramLabel = "N",
            description = "At most N packets of one flow per record (1 = no batching, one record per packet; "
                    + "default: ${DEFAULT-VALUE}).")
    int batchPackets = BatchOptions.DEFAULT_PACKETS;

    @Option(names = "--batch-micros", paramLabel = "MICROS",
            description = "A flow's batch is published once its first packet is this old, in capture time; live also "
                    + "on the wall clock (default: ${DEFAULT-VALUE}).")
    long batchMicros = BatchOptions.DEFAULT_MICROS;

    @Option(names = "--sensor-topic",
            description = "Publish to this sensor's own topic, <prefix>packets.<sensor>, which only its Kafka principal "
                    + "may write, for streams-app with --sensor-topics (SECURITY.md); default: the shared packets topic.")
    boolean sensorTopic;

    @Mixin
    MetricsOptions metrics = new MetricsOptions();

    CaptureAgentConfig.Builder apply(ClientOptions client, CaptureAgentConfig.Builder b) {
        client.requireBootstrapServers();
        client.requireSchemaRegistryUrl();
        String topic;
        try {
            topic = sensorTopic ? Topics.sensorPackets(client.topicPrefix(), sensorId)
                    : Topics.name(client.topicPrefix(), Topics.PACKETS);
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--sensor " + sensorId + " with --sensor-topic: " + e.getMessage(), e);
        }
        return b.sensorId(sensorId)
                .topic(topic)
                .clientProperties(client.properties())
                .helperPorts(helperPorts)
                .payloadCap(payloadCap)
                .queueCapacity(queueCapacity)
                .batchPackets(batchPackets)
                .batchMicros(batchMicros);
    }
}
