package io.ctstream.launcher.analyze;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides when a finite input has been fully processed: the application has committed every packet
 * record, has consumed every record of its own internal topics (the match and feedback topics,
 * {@code consumedAll}), no transaction is open on any topic of the pipeline, and no topic has grown
 * for a quiet period (the feedback loop between tracker and matcher has settled). Offsets, not
 * sleeps, decide: the quiet period only spans the Streams commit interval.
 */
public final class Quiescence {
    private Quiescence() {}

    public static void await(
            Admin admin,
            String groupId,
            String packetsTopic,
            List<String> allTopics,
            List<String> internalSources,
            Predicate<Set<TopicPartition>> consumedAll,
            Duration quiet,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> lastEnds = null;
        long stableSince = System.nanoTime();
        while (true) {
            Map<TopicPartition, Long> ends = endOffsets(admin, allTopics);
            // Only partitions that hold records: a consumer has no lag metric for one it never
            // fetched data from.
            Set<TopicPartition> internal =
                    ends.entrySet().stream()
                            .filter(
                                    e ->
                                            internalSources.contains(e.getKey().topic())
                                                    && e.getValue() > 0)
                            .map(Map.Entry::getKey)
                            .collect(Collectors.toSet());
            boolean packetsDone =
                    committedAll(admin, groupId, packetsTopic, ends)
                            && consumedAll.test(internal)
                            && noOpenTransaction(admin, ends.keySet());
            if (!ends.equals(lastEnds) || !packetsDone) {
                lastEnds = ends;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= quiet.toNanos()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "pipeline did not settle within "
                                + timeout
                                + (packetsDone
                                        ? " (topics kept growing)"
                                        : " (packets not all processed)"));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static boolean committedAll(
            Admin admin, String groupId, String topic, Map<TopicPartition, Long> ends) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                if (!e.getKey().topic().equals(topic) || e.getValue() == 0) {
                    continue;
                }
                OffsetAndMetadata c = committed.get(e.getKey());
                if (c == null || c.offset() < e.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * No partition has a transaction in progress. A committed transaction's records become readable
     * (read_committed) only once the coordinator has written its markers, which it does after the
     * producer's commit returned: until then the end offsets stand still while the output is not
     * yet visible.
     */
    private static boolean noOpenTransaction(Admin admin, Set<TopicPartition> partitions) {
        try {
            return admin.describeProducers(partitions).all().get().values().stream()
                    .flatMap(state -> state.activeProducers().stream())
                    .noneMatch(p -> p.currentTransactionStartOffset().isPresent());
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get()
                    .forEach(
                            (name, d) ->
                                    d.partitions()
                                            .forEach(
                                                    p ->
                                                            request.put(
                                                                    new TopicPartition(
                                                                            name, p.partition()),
                                                                    OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r =
                    admin.listOffsets(request).all().get();
            return r.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot read end offsets: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
