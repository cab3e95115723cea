package io.ctstream.streams.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.HelperMode;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.testing.DriverConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stream threads' producers can learn their topics before the first record (issue 16): the
 * first send to a warmed topic does not wait for its metadata, as the first send to any other topic
 * does.
 */
@ExtendWith(EmbeddedCluster.class)
class WarmableClientSupplierTest {

    @Test
    void aWarmedTopicsFirstSendDoesNotWaitForMetadataAndAColdOnesDoes() throws Exception {
        String prefix = "warm-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String warmed = prefix + "verdicts";
        String cold = prefix + "conn-events";
        EmbeddedCluster.createTopic(warmed, 2);
        EmbeddedCluster.createTopic(cold, 2);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        WarmableClientSupplier clients = new WarmableClientSupplier();
        try (Producer<byte[], byte[]> producer = clients.getProducer(config)) {
            assertThat(clients.fetchMetadata(List.of(warmed))).isEqualTo(1);

            double before = metadataWaitNanos(producer);
            producer.send(new ProducerRecord<>(warmed, new byte[] {1})).get();
            assertThat(metadataWaitNanos(producer))
                    .as("the warmed topic's first send")
                    .isEqualTo(before);
            producer.send(new ProducerRecord<>(cold, new byte[] {1})).get();
            assertThat(metadataWaitNanos(producer))
                    .as("the cold topic's first send")
                    .isGreaterThan(before);
        }
    }

    /**
     * The producer's total time spent in send() waiting for topic metadata (Kafka's
     * producer-metrics).
     */
    private static double metadataWaitNanos(Producer<byte[], byte[]> producer) {
        return producer.metrics().entrySet().stream()
                .filter(
                        e ->
                                e.getKey().group().equals("producer-metrics")
                                        && e.getKey().name().equals("metadata-wait-time-ns-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theWrittenTopicsAreEverySinkAndEveryChangelog() {
        StreamsAppConfig config = DriverConfigs.forDriver("wt-", HelperMode.ROBUST);
        Set<String> topics =
                ConntrackTopology.writtenTopics(
                        ConntrackTopology.build(config, new SimpleMeterRegistry()),
                        config.applicationId());

        assertThat(topics)
                .contains(
                        config.topic(Topics.CONN_EVENTS),
                        config.topic(Topics.EXPECTATIONS),
                        config.topic(Topics.ALERTS),
                        config.topic(ConntrackTopology.MATCH_TOPIC),
                        config.topic(ConntrackTopology.FEEDBACK_TOPIC),
                        config.applicationId() + "-connections-changelog",
                        config.applicationId() + "-live-expectations-changelog")
                .doesNotContain(config.topic(Topics.PACKETS));
    }
}
