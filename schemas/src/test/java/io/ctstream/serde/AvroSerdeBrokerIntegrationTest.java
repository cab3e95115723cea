package io.ctstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.Alert;
import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Verdict;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The serdes through the real embedded broker with schemas in the real Apicurio registry: records
 * come back equal, every key and value starts with magic byte 0 and the id the registry gives for
 * the topic's subject, and poison records give the clear error while the consumer can seek past
 * them.
 */
@ExtendWith(EmbeddedCluster.class)
class AvroSerdeBrokerIntegrationTest {
    private static final int COUNT = 20;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void sharedClient() {
        client = SchemaRegistryClient.create(EmbeddedCluster.schemaRegistryUrl());
    }

    @Test
    void packetRecordsKeyedByFlowKeyRoundTrip() {
        String topic = newTopic("packets");
        SpecificAvroSerde<FlowKey> keys = AvroSerdes.specific(FlowKey.class, client, true);
        SpecificAvroSerde<PacketRecord> values =
                AvroSerdes.specific(PacketRecord.class, client, false);
        List<Pair<FlowKey, PacketRecord>> sent =
                IntStream.range(0, COUNT)
                        .mapToObj(
                                i ->
                                        new Pair<>(
                                                SampleRecords.flowKey(i % 4),
                                                SampleRecords.packet(i)))
                        .toList();

        produce(topic, keys.serializer(), values.serializer(), sent);

        assertThat(consume(topic, keys.deserializer(), values.deserializer(), COUNT))
                .containsExactlyInAnyOrderElementsOf(sent);
        assertFramedWithRegistryIds(topic, FlowKey.getClassSchema(), PacketRecord.getClassSchema());
    }

    @Test
    void connectionsRoundTrip() {
        roundTripStringKeyed(
                "connections",
                Connection.class,
                SampleRecords::connection,
                AvroSerdes.specific(Connection.class, client, false));
    }

    @Test
    void connectionEventsRoundTrip() {
        roundTripStringKeyed(
                "conn-events",
                ConnectionEvent.class,
                SampleRecords::connectionEvent,
                AvroSerdes.specific(ConnectionEvent.class, client, false));
    }

    @Test
    void verdictsRoundTripWithASerdeBuiltFromConfig() {
        // the serde makes its own client from schema.registry.url, as one configured by Kafka would
        roundTripStringKeyed(
                "verdicts",
                Verdict.class,
                SampleRecords::verdict,
                AvroSerdes.specific(
                        Verdict.class,
                        Map.of(
                                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                                EmbeddedCluster.schemaRegistryUrl()),
                        false));
    }

    @Test
    void alertsRoundTripWithTheClassNamedByTheWriterSchema() {
        String topic = newTopic("alerts");
        List<Pair<String, Alert>> sent =
                IntStream.range(0, COUNT)
                        .mapToObj(i -> new Pair<>("k" + i, SampleRecords.alert(i)))
                        .toList();
        produce(
                topic,
                new StringSerializer(),
                AvroSerdes.specific(Alert.class, client, false).serializer(),
                sent);

        // created as Kafka creates configured classes: no target class, reads into the class the
        // writer schema names
        SpecificAvroDeserializer<Alert> byName = new SpecificAvroDeserializer<>();
        byName.configure(
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, EmbeddedCluster.schemaRegistryUrl()),
                false);
        assertThat(consume(topic, new StringDeserializer(), byName, COUNT))
                .containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void poisonRecordsGiveTheClearErrorAndCanBeSkipped() {
        String topic = newTopic("poison");
        SpecificAvroSerde<PacketRecord> serde =
                AvroSerdes.specific(PacketRecord.class, client, false);
        byte[] good = serde.serializer().serialize(topic, SampleRecords.packet(1));
        byte[] unknownId = {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 'x'};
        List<byte[]> poison =
                List.of(
                        "{\"not\":\"avro\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        Arrays.copyOf(good, 3),
                        Arrays.copyOf(good, good.length - 2),
                        unknownId,
                        good);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            poison.forEach(bytes -> producer.send(new ProducerRecord<>(topic, 0, null, bytes)));
            producer.flush();
        }

        List<String> errors = new ArrayList<>();
        List<PacketRecord> read = new ArrayList<>();
        try (KafkaConsumer<byte[], PacketRecord> consumer =
                new KafkaConsumer<>(
                        consumerConfig(), new ByteArrayDeserializer(), serde.deserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                try {
                                    consumer.poll(Duration.ofMillis(200))
                                            .forEach(r -> read.add(r.value()));
                                } catch (RecordDeserializationException e) {
                                    assertThat(e.getCause())
                                            .isInstanceOf(SerializationException.class);
                                    errors.add(e.getCause().getMessage());
                                    consumer.seek(e.topicPartition(), e.offset() + 1);
                                }
                                return !read.isEmpty();
                            });
        }

        assertThat(errors).hasSize(4);
        assertThat(errors.get(0))
                .contains("value of topic '" + topic + "'")
                .contains("unknown magic byte 0x7b");
        assertThat(errors.get(1))
                .contains("value of topic '" + topic + "'")
                .contains("truncated: 3 bytes");
        assertThat(errors.get(2))
                .contains("truncated Avro data")
                .contains("schema id " + idIn(good));
        assertThat(errors.get(3))
                .contains("unknown schema id")
                .contains("schema id " + idIn(unknownId));
        assertThat(read).containsExactly(SampleRecords.packet(1));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private <V extends SpecificRecord> void roundTripStringKeyed(
            String prefix, Class<V> type, IntFunction<V> make, SpecificAvroSerde<V> serde) {
        String topic = newTopic(prefix);
        List<Pair<String, V>> sent =
                IntStream.range(0, COUNT)
                        .mapToObj(i -> new Pair<>("key-" + i, make.apply(i)))
                        .toList();

        produce(topic, new StringSerializer(), serde.serializer(), sent);

        assertThat(consume(topic, new StringDeserializer(), serde.deserializer(), COUNT))
                .containsExactlyInAnyOrderElementsOf(sent);
        assertFramedWithRegistryIds(topic, null, SpecificRecordSchemas.of(type));
    }

    /**
     * Every value (and key, if keySchema is given) starts with 0x00 and the id the registry has for
     * the topic's subject.
     */
    private void assertFramedWithRegistryIds(String topic, Schema keySchema, Schema valueSchema) {
        SchemaRegistryClient fresh =
                SchemaRegistryClient.create(EmbeddedCluster.schemaRegistryUrl());
        byte[] valueHeader = header(fresh.lookup(topic + "-value", valueSchema).id());
        byte[] keyHeader =
                keySchema == null ? null : header(fresh.lookup(topic + "-key", keySchema).id());
        List<Pair<byte[], byte[]>> raw =
                consume(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(), COUNT);
        assertThat(raw)
                .hasSize(COUNT)
                .allSatisfy(
                        record -> {
                            assertThat(Arrays.copyOf(record.value(), 5))
                                    .as("value header")
                                    .isEqualTo(valueHeader);
                            if (keyHeader != null) {
                                assertThat(Arrays.copyOf(record.key(), 5))
                                        .as("key header")
                                        .isEqualTo(keyHeader);
                            }
                        });
    }

    private static byte[] header(int id) {
        return ByteBuffer.allocate(5).put((byte) 0).putInt(id).array();
    }

    private static int idIn(byte[] data) {
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    private static String newTopic(String prefix) {
        String topic = EmbeddedCluster.uniqueTopic(prefix);
        EmbeddedCluster.createTopic(topic, 2);
        return topic;
    }

    private static Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                EmbeddedCluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all");
    }

    private static Map<String, Object> consumerConfig() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                EmbeddedCluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "serde-test-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
    }

    private static <K, V> void produce(
            String topic, Serializer<K> keys, Serializer<V> values, List<Pair<K, V>> records) {
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(producerConfig(), keys, values)) {
            for (Pair<K, V> record : records) {
                producer.send(new ProducerRecord<>(topic, record.key(), record.value()));
            }
            producer.flush();
        }
    }

    /** Reads the whole topic from the beginning until {@code expected} records arrived. */
    private static <K, V> List<Pair<K, V>> consume(
            String topic, Deserializer<K> keys, Deserializer<V> values, int expected) {
        List<Pair<K, V>> received = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(consumerConfig(), keys, values)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                for (ConsumerRecord<K, V> record :
                                        consumer.poll(Duration.ofMillis(200))) {
                                    received.add(new Pair<>(record.key(), record.value()));
                                }
                                return received.size() >= expected;
                            });
        }
        return received;
    }

    record Pair<K, V>(K key, V value) {}

    /** The schema of a generated class. */
    static final class SpecificRecordSchemas {
        private SpecificRecordSchemas() {}

        static Schema of(Class<?> type) {
            return org.apache.avro.specific.SpecificData.get().getSchema(type);
        }
    }
}
