package io.ctstream.streams;

import io.ctstream.avro.internal.MatchInput;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The end of a finite input. The matcher decides only once every tracker's progress has passed a
 * decision's event time by the grace (see {@code matching/TrackerWatermarks}), and after the last
 * packet no tracker makes progress: the matcher would hold back, forever, the decisions it delays
 * for late data. A tick — an empty match record stamped {@code grace} after the latest packet — on
 * every partition of the match topic tells the matcher that every tracker has passed that time, so
 * those decisions are taken, exactly as more traffic would have. Nothing else moves: connections
 * and expectations whose timeouts lie further ahead stay as they are. Send it only once the
 * pipeline is quiet (every packet processed): a record that arrives after the tick is late.
 *
 * <p>The latest event time is that of the latest packet (every event time in the pipeline is at
 * most the latest packet's), read from the tail of the packets topic. Not from the broker's
 * maximum-timestamp index of the match topic: that topic is written in Kafka transactions, whose
 * markers carry the wall clock — a replayed capture is older, and a tick at "now" would expire
 * every expectation and, through the feedback, every connection at once.
 */
public final class StreamTimeTicks {
    /**
     * How many of the last records of each packets partition are read to find the latest event
     * time.
     */
    static final int TAIL = 256;

    private StreamTimeTicks() {}

    /** Sends one tick to every partition of the match topic of {@code config}'s application. */
    public static void send(Admin admin, StreamsAppConfig config) {
        String matchTopic = config.topic(ConntrackTopology.MATCH_TOPIC);
        try {
            long latestPacketMs = latestTimestamp(config, config.topic(Topics.PACKETS));
            if (latestPacketMs < 0) {
                return;
            }
            long tickAt = latestPacketMs + config.matcher().graceMicros() / 1000 + 1000;
            Properties p = config.clientProperties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            List<Integer> partitions =
                    admin
                            .describeTopics(List.of(matchTopic))
                            .allTopicNames()
                            .get()
                            .get(matchTopic)
                            .partitions()
                            .stream()
                            .map(TopicPartitionInfo::partition)
                            .toList();
            try (KafkaProducer<String, MatchInput> producer =
                    new KafkaProducer<>(
                            p,
                            new StringSerializer(),
                            AvroSerdes.specific(MatchInput.class, config.serdeConfig(), false)
                                    .serializer())) {
                for (int partition : partitions) {
                    producer.send(
                                    new ProducerRecord<>(
                                            matchTopic,
                                            partition,
                                            tickAt,
                                            "tick",
                                            new MatchInput(null, null, null)))
                            .get();
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot send stream-time ticks to "
                            + matchTopic
                            + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Ticks stamped 0 — they never move stream time, which only ever goes up — to every partition
     * of the match topic, {@code rounds} times {@code pauseMillis} apart: the matcher counts and
     * ignores them, but each makes the stream thread commit a transaction. Why: in the live gateway
     * lab the first commits after start took 100-300 ms each (the transactional producer's and the
     * group coordinator's first requests), and they came in front of the first pinhole; after these
     * they are warm (issue 16).
     */
    public static void warmUp(StreamsAppConfig config, int rounds, long pauseMillis) {
        String matchTopic = config.topic(ConntrackTopology.MATCH_TOPIC);
        Properties p = config.clientProperties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, MatchInput> producer =
                new KafkaProducer<>(
                        p,
                        new StringSerializer(),
                        AvroSerdes.specific(MatchInput.class, config.serdeConfig(), false)
                                .serializer())) {
            List<Integer> partitions =
                    producer.partitionsFor(matchTopic).stream()
                            .map(PartitionInfo::partition)
                            .toList();
            for (int round = 0; round < rounds; round++) {
                for (int partition : partitions) {
                    producer.send(
                                    new ProducerRecord<>(
                                            matchTopic,
                                            partition,
                                            0L,
                                            "warm-up",
                                            new MatchInput(null, null, null)))
                            .get();
                }
                Thread.sleep(pauseMillis);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot send warm-up ticks to " + matchTopic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The largest timestamp (ms) among the last {@value #TAIL} records of each partition, or -1
     * when the topic is empty. Records are read rather than asked of the broker's maximum-timestamp
     * index, which counts transaction markers and which this broker version does not always answer
     * (-1).
     */
    static long latestTimestamp(StreamsAppConfig config, String topic) {
        Properties p = config.clientProperties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends =
                    consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> begins =
                    consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            long latest = -1;
            int remaining = 0;
            for (TopicPartition tp : partitions) {
                long from = Math.max(begins.get(tp), ends.get(tp) - TAIL);
                consumer.seek(tp, from);
                remaining += ends.get(tp) > from ? 1 : 0;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Map<TopicPartition, Boolean> done = new HashMap<>();
            while (done.size() < remaining && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    latest = Math.max(latest, r.timestamp());
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() + 1 >= ends.get(tp)) {
                        done.put(tp, true);
                    }
                }
            }
            return latest;
        }
    }
}
