package io.ctstream.bench.streams;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The bare consumer baseline: one consumer in a group reads every record of the topic (bytes,
 * undecoded).
 */
final class PlainConsumerRun {
    private PlainConsumerRun() {}

    /** Records/s from the first record received to the last. */
    static double run(String bootstrapServers, String topic, long total) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("group.id", topic + "-plain-consumer");
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed"); // as Streams reads under exactly-once
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long seen = 0;
            long start = 0;
            long deadline = System.nanoTime() + ConntrackInstances.TIMEOUT.toNanos();
            while (seen < total) {
                ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(200));
                if (!rs.isEmpty() && start == 0) {
                    start = System.nanoTime();
                }
                seen += rs.count();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("plain consumer read " + seen + " of " + total);
                }
            }
            c.commitSync();
            return total / ((System.nanoTime() - start) / 1e9);
        }
    }
}
