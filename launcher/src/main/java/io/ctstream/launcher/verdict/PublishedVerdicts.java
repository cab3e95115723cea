package io.ctstream.launcher.verdict;

import io.ctstream.avro.Verdict;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the committed verdicts of a topic written since a time: for the publisher's "was this id
 * published already" and for {@code verdict list}. No consumer group, nothing committed; values
 * fetched as bytes and decoded one by one, so junk in the topic is skipped, not fatal.
 */
final class PublishedVerdicts {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private PublishedVerdicts() {}

    /**
     * Every decodable verdict written at or after {@code sinceMillis}, up to the end the topic had
     * at the start.
     */
    static void read(
            Properties kafka,
            String topic,
            long sinceMillis,
            Consumer<ConsumerRecord<String, Verdict>> each) {
        Map<String, Object> serdeConfig = new HashMap<>();
        kafka.forEach((k, v) -> serdeConfig.put((String) k, v));
        try (SpecificAvroSerde<Verdict> serde =
                AvroSerdes.specific(Verdict.class, serdeConfig, false)) {
            readRaw(
                    kafka,
                    topic,
                    sinceMillis,
                    r -> {
                        Verdict v;
                        try {
                            v =
                                    r.value() == null
                                            ? null
                                            : serde.deserializer()
                                                    .deserialize(topic, r.headers(), r.value());
                        } catch (RuntimeException e) {
                            return; // not a verdict: the agents refuse it as undecodable
                        }
                        if (v != null) {
                            each.accept(
                                    new ConsumerRecord<>(
                                            r.topic(), r.partition(), r.offset(), r.key(), v));
                        }
                    });
        }
    }

    /** The ids among {@code ids} already in {@code topic} since {@code sinceMillis}. */
    static Set<String> alreadyPublished(
            Properties kafka, String topic, long sinceMillis, Set<String> ids) {
        Set<String> found = new HashSet<>();
        read(
                kafka,
                topic,
                sinceMillis,
                r -> {
                    if (ids.contains(r.value().getVerdictId())) {
                        found.add(r.value().getVerdictId());
                    }
                });
        return found;
    }

    static void readRaw(
            Properties kafka,
            String topic,
            long sinceMillis,
            Consumer<ConsumerRecord<String, byte[]>> each) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return;
            }
            List<TopicPartition> parts = new ArrayList<>();
            Map<TopicPartition, Long> since = new HashMap<>();
            for (PartitionInfo i : infos) {
                TopicPartition tp = new TopicPartition(topic, i.partition());
                parts.add(tp);
                since.put(tp, Math.max(0, sinceMillis));
            }
            Map<TopicPartition, OffsetAndTimestamp> starts = c.offsetsForTimes(since, TIMEOUT);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, TIMEOUT);
            for (TopicPartition tp : parts) {
                OffsetAndTimestamp start = starts.get(tp);
                long end = ends.get(tp);
                if (start == null || start.offset() >= end) {
                    continue;
                }
                c.assign(List.of(tp));
                c.seek(tp, start.offset());
                while (c.position(tp, TIMEOUT) < end) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (r.offset() < end) {
                            each.accept(r);
                        }
                    }
                }
            }
        }
    }
}
