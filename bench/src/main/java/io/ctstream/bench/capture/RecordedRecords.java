package io.ctstream.bench.capture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The exact records the agent published (key bytes, value bytes, timestamp), read back from its
 * topic into memory, and a bare producer loop that sends them again — Kafka's producer alone on the
 * agent's own workload: the same keys (so the same partitions and batch fill), the same sizes and
 * the same compressibility, without pcap reading, decoding or serialization. The loop is
 * ProducerPerformance's: send with a callback, as fast as possible, rate = records / time to the
 * end of {@code close()}.
 */
final class RecordedRecords {
    private final byte[][] keys;
    private final byte[][] values;
    private final long[] timestamps;

    private RecordedRecords(byte[][] keys, byte[][] values, long[] timestamps) {
        this.keys = keys;
        this.values = values;
        this.timestamps = timestamps;
    }

    static RecordedRecords read(String bootstrapServers, String topic, long expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("max.poll.records", "5000");
        int n = Math.toIntExact(expected);
        byte[][] keys = new byte[n][];
        byte[][] values = new byte[n][];
        long[] ts = new long[n];
        int i = 0;
        String positions = "";
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic)
                    .forEach(info -> parts.add(new TopicPartition(topic, info.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (i < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (i < n) {
                        keys[i] = r.key();
                        values[i] = r.value();
                        ts[i] = r.timestamp();
                        i++;
                    }
                }
            }
            for (TopicPartition tp : parts) {
                positions +=
                        tp + "@" + c.position(tp) + "/" + c.endOffsets(List.of(tp)).get(tp) + " ";
            }
        }
        if (i < n) {
            throw new IllegalStateException(
                    "read " + i + " of " + n + " records back from " + topic + ": " + positions);
        }
        return new RecordedRecords(keys, values, ts);
    }

    int size() {
        return keys.length;
    }

    double averageKeyBytes() {
        long s = 0;
        for (byte[] k : keys) {
            s += k.length;
        }
        return (double) s / keys.length;
    }

    double averageValueBytes() {
        long s = 0;
        for (byte[] v : values) {
            s += v.length;
        }
        return (double) s / values.length;
    }

    /** Sends every record to {@code topic}; returns records/s. */
    double send(String topic, Properties producerConfig) {
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < keys.length; i++) {
                producer.send(
                        new ProducerRecord<>(topic, null, timestamps[i], keys[i], values[i]),
                        (md, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                            }
                        });
            }
        }
        double rate = keys.length / ((System.nanoTime() - start) / 1e9);
        if (failed.get() > 0) {
            throw new IllegalStateException(
                    failed.get() + " sends failed in the recorded-records baseline");
        }
        return rate;
    }
}
