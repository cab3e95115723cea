package io.ctstream.enforcement.agent;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every committed record of a topic, from the beginning to the end it had when reading began
 * (no consumer group: nothing is committed), partition by partition in offset order.
 * Records that do not deserialize are skipped, logged and counted.
 */
final class TopicSnapshotReader {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSnapshotReader.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TopicSnapshotReader() {
    }

    /** Calls {@code each} for every record; returns how many records could not be deserialized. */
    static <V> long read(Properties kafka, String topic, Deserializer<V> valueDeserializer,
                         BiConsumer<ConsumerRecord<String, V>, Long> each) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long undecodable = 0;
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p, new StringDeserializer(), valueDeserializer)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return 0;
            }
            for (PartitionInfo info : infos) {
                TopicPartition tp = new TopicPartition(topic, info.partition());
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (consumer.position(tp, TIMEOUT) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("could not read " + tp + " to offset " + end + " in " + TIMEOUT);
                    }
                    try {
                        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                            if (r.offset() < end) {
                                each.accept(r, r.offset());
                            }
                        }
                    } catch (RecordDeserializationException e) {
                        undecodable++;
                        LOG.warn("skipping undecodable record {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
                        consumer.seek(e.topicPartition(), e.offset() + 1);
                    }
                }
            }
        }
        return undecodable;
    }
}
