package io.ctstream.streams.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.errors.DeadLetters;
import io.ctstream.streams.policy.PolicyConfig;
import io.ctstream.streams.policy.PolicyFixtures;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.streams.testing.LabCaptures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * streams-app reading one packets topic per sensor on the real broker and registry (issue 18): the
 * sensor is the topic's, so a packet record forged for another sensor opens nothing, and the
 * policy's {@code pinholeSensors} decide which sensors may open a gateway's pinholes.
 */
@ExtendWith(EmbeddedCluster.class)
class SensorTopicsPipelineTest {
    static final Map<String, Object> SERDE =
            Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
    static final String POLICY =
            """
            gateways:
              - id: gw
                sensors: [sensor-a, sensor-b]
                helpers: [ftp]
                pinholeSensors: [sensor-a]
            """;

    @Test
    void aPacketRecordForgedForAnotherSensorLeadsToNoVerdict(@TempDir Path state) throws Exception {
        String prefix = "sens-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String topicA = Topics.sensorPackets(prefix, "sensor-a");
        String topicB = Topics.sensorPackets(prefix, "sensor-b");
        EmbeddedCluster.createTopic(topicA, 2);
        EmbeddedCluster.createTopic(topicB, 2);
        // sensor-b's principal writes, in its own topic, a capture claiming to be sensor-a's (the
        // one gw trusts) ...
        List<PacketRecord> forgedRecords = LabCaptures.read(lab("ftp-passive.pcap"), "sensor-a");
        int forged = send(topicB, forgedRecords);
        // ... and its own traffic, which it may: tracked, but gw takes no pinholes from sensor-b
        send(topicB, LabCaptures.read(lab("ftp-epsv.pcap"), "sensor-b"));
        // sensor-a's own traffic in its own topic: the control that the pipeline does open pinholes
        send(topicA, LabCaptures.read(lab("ftp-active.pcap"), "sensor-a"));

        VerdictPolicy policy =
                new VerdictPolicy(
                        PolicyConfig.parse(POLICY, "test.yaml"),
                        PolicyFixtures.keyring(),
                        Clock.systemUTC());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (StreamsApp app =
                new StreamsApp(config(prefix, state).policy(policy).build(), meters)) {
            app.start();
            var verdictDeserializer =
                    AvroSerdes.specific(Verdict.class, SERDE, false).deserializer();
            var expectationDeserializer =
                    AvroSerdes.specific(ExpectationEvent.class, SERDE, false).deserializer();
            List<Verdict> verdicts = new ArrayList<>();
            List<ExpectationEvent> expectations = new ArrayList<>();
            List<String> deadLetterReasons = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.subscribe(
                        List.of(
                                prefix + Topics.VERDICTS,
                                prefix + Topics.EXPECTATIONS,
                                prefix + Topics.DEAD_LETTER));
                await().atMost(Duration.ofSeconds(120))
                        .untilAsserted(
                                () -> {
                                    consumer.poll(Duration.ofMillis(200))
                                            .forEach(
                                                    r -> {
                                                        if (r.topic().endsWith(Topics.VERDICTS)) {
                                                            verdicts.add(
                                                                    verdictDeserializer.deserialize(
                                                                            r.topic(), r.value()));
                                                        } else if (r.topic()
                                                                .endsWith(Topics.EXPECTATIONS)) {
                                                            expectations.add(
                                                                    expectationDeserializer
                                                                            .deserialize(
                                                                                    r.topic(),
                                                                                    r.value()));
                                                        } else {
                                                            Header reason =
                                                                    r.headers()
                                                                            .lastHeader(
                                                                                    DeadLetters
                                                                                            .HEADER_REASON);
                                                            deadLetterReasons.add(
                                                                    reason == null
                                                                            ? "?"
                                                                            : new String(
                                                                                    reason.value(),
                                                                                    StandardCharsets
                                                                                            .UTF_8));
                                                        }
                                                    });
                                    String seen =
                                            "expectations "
                                                    + expectations.stream()
                                                            .map(
                                                                    e ->
                                                                            e.getSensorId()
                                                                                    + " "
                                                                                    + e.getType())
                                                            .toList()
                                                    + ", verdicts "
                                                    + verdicts.stream()
                                                            .map(Verdict::getVerdictId)
                                                            .toList()
                                                    + ", dead letters "
                                                    + deadLetterReasons.size();
                                    assertThat(deadLetterReasons).as(seen).hasSize(forged);
                                    assertThat(created(expectations, "sensor-b"))
                                            .as(seen)
                                            .isNotEmpty();
                                    assertThat(created(expectations, "sensor-a"))
                                            .as(seen)
                                            .isNotEmpty();
                                    assertThat(verdicts).as(seen).isNotEmpty();
                                });
            }
            assertThat(deadLetterReasons).containsOnly(SensorTopics.MISMATCH);
            // every verdict is for an expectation sensor-a announced in its own topic: none from
            // the forged records,
            // none from sensor-b's genuine traffic
            List<String> fromA = created(expectations, "sensor-a");
            assertThat(verdicts)
                    .allSatisfy(
                            v -> {
                                assertThat(v.getAction()).isEqualTo(VerdictAction.ALLOW);
                                assertThat(fromA).contains(v.getEvidence().getExpectationId());
                            });
            // the forged capture's control connection was never tracked: no expectation of its
            // server's data port
            int forgedClientPort =
                    forgedRecords.stream()
                            .filter(p -> p.getDstPort() == 21)
                            .findFirst()
                            .orElseThrow()
                            .getSrcPort();
            assertThat(expectations)
                    .noneMatch(
                            e ->
                                    e.getMaster() != null
                                            && e.getMaster().getOrig().getSrcPort()
                                                    == forgedClientPort);
            assertThat(
                            meters.counter(
                                            "ctstream.policy.skipped",
                                            "reason",
                                            "sensor-not-allowed")
                                    .count())
                    .isPositive();
        }
    }

    @Test
    void sensorTopicsWithDifferentPartitionCountsAreAClearErrorAtStart(@TempDir Path state) {
        String prefix = "sens-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        assertThatThrownBy(
                        () ->
                                new StreamsApp(
                                                config(prefix, state).build(),
                                                new SimpleMeterRegistry())
                                        .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no sensor topic matches " + prefix + "packets.<sensor>");
        EmbeddedCluster.createTopic(prefix + "packets.x", 2);
        EmbeddedCluster.createTopic(prefix + "packets.y", 3);
        assertThatThrownBy(
                        () ->
                                new StreamsApp(
                                                config(prefix, state).build(),
                                                new SimpleMeterRegistry())
                                        .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must all have the same number of partitions")
                .hasMessageContaining(prefix + "packets.x=2")
                .hasMessageContaining(prefix + "packets.y=3");
    }

    private static List<String> created(List<ExpectationEvent> expectations, String sensor) {
        return expectations.stream()
                .filter(
                        e ->
                                e.getType() == ExpectationEventType.CREATED
                                        && sensor.equals(e.getSensorId()))
                .map(ExpectationEvent::getExpectationId)
                .toList();
    }

    private static StreamsAppConfig.Builder config(String prefix, Path state) {
        return StreamsAppConfig.builder()
                .applicationId(prefix + "app")
                .bootstrapServers(EmbeddedCluster.bootstrapServers())
                .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                .topicPrefix(prefix)
                .stateDir(state)
                .sensorTopics(true);
    }

    private static Path lab(String name) {
        return Path.of("..", "testdata", "lab", name);
    }

    private static int send(String topic, List<PacketRecord> records) {
        var serializer = AvroSerdes.specific(PacketRecord.class, SERDE, false).serializer();
        FlowKeySerde keys = new FlowKeySerde();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (PacketRecord p : records) {
                var key =
                        FlowKeys.of(
                                p.getIpVersion(),
                                p.getProtocol(),
                                FlowKeys.bytes(p.getSrc()),
                                p.getSrcPort(),
                                FlowKeys.bytes(p.getDst()),
                                p.getDstPort());
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                p.getTimestampMicros() / 1000,
                                keys.serialize(topic, key),
                                serializer.serialize(topic, p)));
            }
        }
        return records.size();
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "sensor-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
