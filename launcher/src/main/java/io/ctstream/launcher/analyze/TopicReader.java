package io.ctstream.launcher.analyze;

import io.ctstream.serde.AvroSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads a whole topic, committed records only, from the beginning to its current end. */
public final class TopicReader {
    private final Properties client;

    public TopicReader(String bootstrapServers, String schemaRegistryUrl) {
        this(clientOf(bootstrapServers, schemaRegistryUrl));
    }

    /**
     * With the client properties of {@code --config} (TLS, SASL, the registry's auth), bootstrap
     * and registry included.
     */
    public TopicReader(Properties client) {
        this.client = new Properties();
        this.client.putAll(client);
    }

    /** The properties for a broker and a registry without further settings. */
    public static Properties clientOf(String bootstrapServers, String schemaRegistryUrl) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("schema.registry.url", schemaRegistryUrl);
        return p;
    }

    /** A record's value and its record timestamp. */
    public record Timed<T>(T value, Instant timestamp) {}

    public <T extends SpecificRecord> List<T> readAll(String topic, Class<T> type) {
        return readAllTimed(topic, type).stream().map(Timed::value).toList();
    }

    /** {@link #readAll}, with each record's timestamp. */
    public <T extends SpecificRecord> List<Timed<T>> readAllTimed(String topic, Class<T> type) {
        Properties p = new Properties();
        Map<String, Object> serde = new HashMap<>();
        for (String k : client.stringPropertyNames()) {
            serde.put(k, client.getProperty(k));
            if (ConsumerConfig.configNames().contains(k)) {
                p.put(k, client.getProperty(k));
            }
        }
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Deserializer<T> values = AvroSerdes.specific(type, serde, false).deserializer();
        List<Timed<T>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], T> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), values)) {
            List<TopicPartition> parts =
                    consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "could not read " + topic + " to its end within 60 s");
                }
                for (ConsumerRecord<byte[], T> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new Timed<>(r.value(), Instant.ofEpochMilli(r.timestamp())));
                }
            }
        }
        return out;
    }
}
