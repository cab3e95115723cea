package io.ctstream.streams.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison records in the packets topic (garbage, a truncated record, an unknown schema id) go to the
 * dead-letter topic with their reason, counted, and the application goes on with the good records.
 */
@ExtendWith(EmbeddedCluster.class)
class DeadLetterTest {

    @Test
    void poisonRecordsAreDeadLetteredWithTheirReasonAndProcessingGoesOn(@TempDir Path state)
            throws Exception {
        String prefix = "dlq-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String packets = prefix + Topics.PACKETS;
        EmbeddedCluster.createTopic(packets, 1);
        Map<String, Object> serde =
                Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        FlowKeySerde keys = new FlowKeySerde();
        PacketRecord good = packet();
        FlowKey key =
                FlowKeys.of(4, 17, new byte[] {10, 0, 0, 1}, 5353, new byte[] {10, 0, 0, 2}, 53);
        byte[] goodBytes =
                AvroSerdes.specific(PacketRecord.class, serde, false)
                        .serializer()
                        .serialize(packets, good);
        byte[] keyBytes = keys.serialize(packets, key);
        byte[] truncated = java.util.Arrays.copyOf(goodBytes, 9);
        byte[] unknownId = goodBytes.clone();
        ByteBuffer.wrap(unknownId).putInt(1, 987_654_321);

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                    new ProducerRecord<>(
                            packets, keyBytes, "not avro at all".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(packets, keyBytes, truncated));
            producer.send(new ProducerRecord<>(packets, keyBytes, unknownId));
            producer.send(new ProducerRecord<>(packets, keyBytes, goodBytes));
        }

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Run run = run(prefix, state, meters, 3, 1);
        List<ConsumerRecord<byte[], byte[]>> dead = run.dead();
        List<ConsumerRecord<byte[], byte[]>> events = run.events();
        assertThat(dead)
                .extracting(r -> header(r, DeadLetters.HEADER_REASON))
                .containsExactly("unknown-magic-byte", "truncated", "unknown-schema-id");
        assertThat(dead)
                .allSatisfy(
                        r -> {
                            assertThat(header(r, DeadLetters.HEADER_TOPIC)).isEqualTo(packets);
                            assertThat(header(r, DeadLetters.HEADER_STAGE))
                                    .isEqualTo("deserialization");
                            assertThat(r.key()).isEqualTo(keyBytes);
                        });
        assertThat(dead.get(0).value())
                .as("original bytes kept")
                .isEqualTo("not avro at all".getBytes(StandardCharsets.UTF_8));
        assertThat(dead)
                .extracting(r -> Long.parseLong(header(r, DeadLetters.HEADER_OFFSET)))
                .containsExactly(0L, 1L, 2L);
        assertThat(events).as("the good packet after the poison ones was tracked").isNotEmpty();
        assertThat(meters.get(DeadLetters.COUNTER).counters())
                .hasSize(3)
                .allSatisfy(c -> assertThat(c.count()).isEqualTo(1.0));
    }

    @Test
    void malformedBatchesAreDeadLetteredWholeAndChangeNoConnection(@TempDir Path state)
            throws Exception {
        String prefix = "dlqb-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String packets = prefix + Topics.PACKETS;
        EmbeddedCluster.createTopic(packets, 1);
        Map<String, Object> serde =
                Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        var values = AvroSerdes.specific(PacketRecord.class, serde, false).serializer();
        FlowKeySerde keys = new FlowKeySerde();
        FlowKey key =
                FlowKeys.of(4, 17, new byte[] {10, 0, 0, 1}, 5353, new byte[] {10, 0, 0, 2}, 53);
        byte[] keyBytes = keys.serialize(packets, key);
        long t0 = packet().getTimestampMicros();

        PacketRecord otherFlow =
                batchOf(packet(), PacketRecord.newBuilder(packet()).setDstPort(54).build());
        PacketRecord backwards =
                batchOf(
                        packet(),
                        PacketRecord.newBuilder(packet()).setTimestampMicros(t0 - 1).build());
        PacketRecord otherSensor =
                batchOf(packet(), PacketRecord.newBuilder(packet()).setSensorId("s2").build());
        PacketRecord[] many = new PacketRecord[1100];
        for (int i = 0; i < many.length; i++) {
            many[i] = PacketRecord.newBuilder(packet()).setTimestampMicros(t0 + i).build();
        }
        PacketRecord tooMany = batchOf(many);
        PacketRecord reply =
                PacketRecord.newBuilder(packet())
                        .setTimestampMicros(t0 + 20)
                        .setSrc(packet().getDst())
                        .setDst(packet().getSrc())
                        .setSrcPort(53)
                        .setDstPort(5353)
                        .build();
        PacketRecord good =
                batchOf(
                        packet(),
                        PacketRecord.newBuilder(packet()).setTimestampMicros(t0 + 10).build(),
                        reply);

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        pp.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (PacketRecord r : List.of(otherFlow, backwards, otherSensor, tooMany, good)) {
                producer.send(new ProducerRecord<>(packets, keyBytes, values.serialize(packets, r)))
                        .get();
            }
        }

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Run run = run(prefix, state, meters, 4, 2);
        List<ConsumerRecord<byte[], byte[]>> dead = run.dead();
        List<ConsumerRecord<byte[], byte[]>> events = run.events();
        assertThat(dead)
                .extracting(r -> header(r, DeadLetters.HEADER_REASON))
                .containsExactly(
                        "batch-mixed-flows",
                        "batch-out-of-order",
                        "batch-sensor-mismatch",
                        "batch-too-large");
        assertThat(dead)
                .allSatisfy(
                        r ->
                                assertThat(header(r, DeadLetters.HEADER_STAGE))
                                        .isEqualTo("processing"));
        // Only the good batch made a connection, from its three packets; the refused ones counted
        // nothing.
        var decode =
                AvroSerdes.specific(io.ctstream.avro.ConnectionEvent.class, serde, false)
                        .deserializer();
        List<io.ctstream.avro.ConnectionEvent> decoded =
                events.stream().map(r -> decode.deserialize(r.topic(), r.value())).toList();
        assertThat(decoded).extracting(e -> e.getType().name()).containsExactly("NEW", "UPDATE");
        assertThat(decoded.get(0).getConnection().getFirstSeenMicros()).isEqualTo(t0);
        assertThat(decoded.get(1).getConnection().getOrigPackets()).isEqualTo(2);
        assertThat(decoded.get(1).getConnection().getReplyPackets()).isEqualTo(1);
        assertThat(meters.get(DeadLetters.COUNTER).counters()).hasSize(4);
    }

    private record Run(
            List<ConsumerRecord<byte[], byte[]>> dead,
            List<ConsumerRecord<byte[], byte[]>> events) {}

    /**
     * Runs streams-app over the packets topic until it has dead-lettered and tracked that many
     * records.
     */
    private static Run run(
            String prefix, Path state, SimpleMeterRegistry meters, int deadLetters, int connEvents)
            throws Exception {
        try (StreamsApp app =
                new StreamsApp(
                        StreamsAppConfig.builder()
                                .applicationId(prefix + "app")
                                .bootstrapServers(EmbeddedCluster.bootstrapServers())
                                .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                                .topicPrefix(prefix)
                                .partitions(1)
                                .stateDir(state)
                                .build(),
                        meters)) {
            app.start();
            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> events = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.subscribe(
                        List.of(prefix + Topics.DEAD_LETTER, prefix + Topics.CONN_EVENTS));
                await().atMost(Duration.ofSeconds(90))
                        .until(
                                () -> {
                                    consumer.poll(Duration.ofMillis(200))
                                            .forEach(
                                                    r ->
                                                            (r.topic().endsWith(Topics.DEAD_LETTER)
                                                                            ? dead
                                                                            : events)
                                                                    .add(r));
                                    return dead.size() >= deadLetters
                                            && events.size() >= connEvents;
                                });
            }
            return new Run(dead, events);
        }
    }

    private static PacketRecord batchOf(PacketRecord... packets) {
        PacketRecord first = PacketRecord.newBuilder(packets[0]).build();
        first.setFollowing(new ArrayList<>(List.of(packets).subList(1, packets.length)));
        return first;
    }

    private static PacketRecord packet() {
        return PacketRecord.newBuilder()
                .setSensorId("s1")
                .setTimestampMicros(1_795_000_000_000_000L)
                .setIpVersion(4)
                .setSrc(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                .setDst(ByteBuffer.wrap(new byte[] {10, 0, 0, 2}))
                .setProtocol(17)
                .setIpTotalLength(60)
                .setSrcPort(5353)
                .setDstPort(53)
                .setPayloadLength(32)
                .setPayload(ByteBuffer.allocate(0))
                .build();
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
