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
    void poisonRecordsAreDeadLetteredWithTheirReasonAndProcessingGoesOn(@TempDir Path state) throws Exception {
        String prefix = "dlq-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String packets = prefix + Topics.PACKETS;
        EmbeddedCluster.createTopic(packets, 1);
        Map<String, Object> serde = Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        FlowKeySerde keys = new FlowKeySerde();
        PacketRecord good = packet();
        FlowKey key = FlowKeys.of(4, 17, new byte[] {10, 0, 0, 1}, 5353, new byte[] {10, 0, 0, 2}, 53);
        byte[] goodBytes = AvroSerdes.specific(PacketRecord.class, serde, false).serializer().serialize(packets, good);
        byte[] keyBytes = keys.serialize(packets, key);
        byte[] truncated = java.util.Arrays.copyOf(goodBytes, 9);
        byte[] unknownId = goodBytes.clone();
        ByteBuffer.wrap(unknownId).putInt(1, 987_654_321);

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(packets, keyBytes, "not avro at all".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(packets, keyBytes, truncated));
            producer.send(new ProducerRecord<>(packets, keyBytes, unknownId));
            producer.send(new ProducerRecord<>(packets, keyBytes, goodBytes));
        }

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (StreamsApp app = new StreamsApp(StreamsAppConfig.builder()
                .applicationId(prefix + "app")
                .bootstrapServers(EmbeddedCluster.bootstrapServers())
                .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                .topicPrefix(prefix)
                .partitions(1)
                .stateDir(state)
                .build(), meters)) {
            app.start();
            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> events = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.subscribe(List.of(prefix + Topics.DEAD_LETTER, prefix + Topics.CONN_EVENTS));
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r ->
                            (r.topic().endsWith(Topics.DEAD_LETTER) ? dead : events).add(r));
                    return dead.size() >= 3 && !events.isEmpty();
                });
            }
            assertThat(dead).extracting(r -> header(r, DeadLetters.HEADER_REASON))
                    .containsExactly("unknown-magic-byte", "truncated", "unknown-schema-id");
            assertThat(dead).allSatisfy(r -> {
                assertThat(header(r, DeadLetters.HEADER_TOPIC)).isEqualTo(packets);
                assertThat(header(r, DeadLetters.HEADER_STAGE)).isEqualTo("deserialization");
                assertThat(r.key()).isEqualTo(keyBytes);
            });
            assertThat(dead.get(0).value()).as("original bytes kept").isEqualTo("not avro at all".getBytes(StandardCharsets.UTF_8));
            assertThat(dead).extracting(r -> Long.parseLong(header(r, DeadLetters.HEADER_OFFSET))).containsExactly(0L, 1L, 2L);
            assertThat(events).as("the good packet after the poison ones was tracked").isNotEmpty();
            assertThat(meters.get(DeadLetters.COUNTER).counters()).hasSize(3)
                    .allSatisfy(c -> assertThat(c.count()).isEqualTo(1.0));
        }
    }

    private static PacketRecord packet() {
        return PacketRecord.newBuilder()
                .setSensorId("s1").setTimestampMicros(1_795_000_000_000_000L).setIpVersion(4)
                .setSrc(ByteBuffer.wrap(new byte[] {10, 0, 0, 1})).setDst(ByteBuffer.wrap(new byte[] {10, 0, 0, 2}))
                .setProtocol(17).setIpTotalLength(60).setSrcPort(5353).setDstPort(53)
                .setPayloadLength(32).setPayload(ByteBuffer.allocate(0)).build();
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
