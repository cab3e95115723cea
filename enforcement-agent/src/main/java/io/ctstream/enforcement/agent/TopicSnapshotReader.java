package io.ctstream.enforcement.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the committed records of a topic, from those written at {@code sinceMillis} (older ones
 * cannot hold a verdict still in force) to the end the topic had when reading began (no consumer
 * group: nothing is committed), partition by partition in offset order, within one time budget for
 * the whole topic.
 *
 * <p>Bounded against junk: values are fetched as bytes and decoded here, so a record that does not
 * decode costs one failed decode, is skipped and counted (the consumer's own deserializer would
 * stop the fetch at every such record: 100,000 junk records were 100,000 polls), and a {@link
 * SchemaIdGuard} spares the registry a lookup per junk record. When the budget runs out the read
 * stops and says so ({@link Result#complete()} false) instead of throwing: the caller acts on what
 * it read, never crash-loops.
 */
final class TopicSnapshotReader {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSnapshotReader.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    /**
     * How the read went: records handed over, records that did not decode, whether it reached the
     * end.
     */
    record Result(long records, long undecodable, boolean complete) {}

    private TopicSnapshotReader() {}

    /**
     * Calls {@code each} for every decodable record written at or after {@code sinceMillis}, within
     * {@code budget}.
     */
    static <V> Result read(
            Properties kafka,
            String topic,
            SchemaIdGuard<V> guard,
            long sinceMillis,
            Duration budget,
            BiConsumer<ConsumerRecord<String, V>, Long> each) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        long deadline = System.nanoTime() + budget.toNanos();
        long records = 0;
        long undecodable = 0;
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return new Result(0, 0, true);
            }
            List<TopicPartition> parts = new ArrayList<>();
            Map<TopicPartition, Long> since = new HashMap<>();
            infos.forEach(
                    i -> {
                        TopicPartition tp = new TopicPartition(topic, i.partition());
                        parts.add(tp);
                        since.put(tp, Math.max(0, sinceMillis));
                    });
            Map<TopicPartition, OffsetAndTimestamp> starts =
                    consumer.offsetsForTimes(since, METADATA_TIMEOUT);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts, METADATA_TIMEOUT);
            for (TopicPartition tp : parts) {
                long end = ends.get(tp);
                OffsetAndTimestamp start = starts.get(tp);
                consumer.assign(List.of(tp));
                if (start == null) {
                    continue; // nothing written since: the partition holds nothing that can matter
                }
                consumer.seek(tp, start.offset());
                while (consumer.position(tp, METADATA_TIMEOUT) < end) {
                    if (System.nanoTime() > deadline) {
                        LOG.error(
                                "reading {} took longer than {}: stopped at {} of {} ({} records, {} undecodable)",
                                topic,
                                budget,
                                consumer.position(tp),
                                tp,
                                records,
                                undecodable);
                        return new Result(records, undecodable, false);
                    }
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() >= end) {
                            continue;
                        }
                        V value;
                        try {
                            value =
                                    r.value() == null
                                            ? null
                                            : guard.decode(topic, r.headers(), r.value());
                        } catch (RuntimeException e) {
                            if (undecodable++ < 10) {
                                LOG.warn(
                                        "skipping undecodable record {}@{}: {}",
                                        tp,
                                        r.offset(),
                                        e.getMessage());
                            }
                            continue;
                        }
                        records++;
                        each.accept(
                                new ConsumerRecord<>(
                                        r.topic(),
                                        r.partition(),
                                        r.offset(),
                                        r.timestamp(),
                                        r.timestampType(),
                                        r.serializedKeySize(),
                                        r.serializedValueSize(),
                                        r.key(),
                                        value,
                                        r.headers(),
                                        r.leaderEpoch()),
                                r.offset());
                    }
                }
            }
        }
        if (undecodable > 10) {
            LOG.warn("skipped {} undecodable records of {} in all", undecodable, topic);
        }
        return new Result(records, undecodable, true);
    }
}
