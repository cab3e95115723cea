package io.ctstream.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the pipeline needs when they are missing, and checks that the topics whose
 * partitions must line up (everything keyed by flow, read by the same tasks) do.
 */
public final class TopicsSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicsSetup.class);

    private TopicsSetup() {}

    /**
     * Ensures every topic exists; creates missing ones with {@code partitions} partitions and
     * replication factor {@code replication} (-1 = broker default).
     */
    public static void ensure(Admin admin, List<String> topics, int partitions, short replication) {
        ensure(admin, topics, partitions, replication, Map.of());
    }

    /**
     * The same, giving the topics it creates the topic configs {@code configs} (e.g. retention).
     */
    public static void ensure(
            Admin admin,
            List<String> topics,
            int partitions,
            short replication,
            Map<String, String> configs) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    missing.add(
                            new NewTopic(
                                            t,
                                            Optional.of(partitions),
                                            replication < 0
                                                    ? Optional.empty()
                                                    : Optional.of(replication))
                                    .configs(configs));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
                LOG.info(
                        "created topics {} with {} partitions",
                        missing.stream().map(NewTopic::name).toList(),
                        partitions);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitVisible(
                    admin, missing.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot create topics " + topics + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Waits until the broker's metadata shows the topics with a leader for every partition, and
     * each leader answers for its partition: a successful CreateTopics is committed by the
     * controller, but a loaded broker can take a moment to serve the new metadata, and a moment
     * more to open the partitions. An idempotent producer that sends in that second gap can have
     * its first batch refused and a later one accepted, then retry the first against an
     * out-of-order sequence until its delivery timeout drops it (KAFKA-15591). ListOffsets is
     * answered by the partition's leader itself.
     */
    static void awaitVisible(Admin admin, List<String> topics, Duration timeout)
            throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> d =
                        admin.describeTopics(topics).allTopicNames().get();
                if (d.values().stream()
                        .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null))) {
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    d.values()
                            .forEach(
                                    t ->
                                            t.partitions()
                                                    .forEach(
                                                            p ->
                                                                    latest.put(
                                                                            new TopicPartition(
                                                                                    t.name(),
                                                                                    p.partition()),
                                                                            OffsetSpec.latest())));
                    admin.listOffsets(latest).all().get();
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "topics " + topics + " created but not visible after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /** Partition count of a topic, or empty when it does not exist. */
    public static Optional<Integer> partitions(Admin admin, String topic) {
        try {
            if (!admin.listTopics().names().get().contains(topic)) {
                return Optional.empty();
            }
            Map<String, TopicDescription> d =
                    admin.describeTopics(List.of(topic)).allTopicNames().get();
            return Optional.of(d.get(topic).partitions().size());
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot describe topic " + topic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + topic, e);
        }
    }

    /**
     * Fails clearly when topics that the same tasks read by flow key have different partition
     * counts.
     */
    public static void requireCoPartitioned(Admin admin, List<String> topics) {
        Integer expected = null;
        String first = null;
        for (String t : topics) {
            int n =
                    partitions(admin, t)
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "topic " + t + " does not exist"));
            if (expected == null) {
                expected = n;
                first = t;
            } else if (n != expected) {
                throw new IllegalStateException(
                        "topics "
                                + first
                                + " ("
                                + expected
                                + " partitions) and "
                                + t
                                + " ("
                                + n
                                + " partitions) must have the same number of partitions: both are keyed by flow and read by the same tasks");
            }
        }
    }
}
