package io.ctstream.launcher.analyze;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides when a finite input has been fully processed: the application has committed every packet
 * record, and no topic of the pipeline has grown for a quiet period (the feedback loop between
 * tracker and matcher has settled). Offsets, not sleeps, decide: the quiet period only spans the
 * Streams commit interval.
 */
public final class Quiescence {
    private Quiescence() {
    }

    public static void await(Admin admin, String groupId, String packetsTopic, List<String> allTopics, Duration quiet,
                      Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> lastEnds = null;
        long stableSince = System.nanoTime();
        while (true) {
            Map<TopicPartition, Long> ends = endOffsets(admin, allTopics);
            boolean packetsDone = committedAll(admin, groupId, packetsTopic, ends);
            if (!ends.equals(lastEnds) || !packetsDone) {
                lastEnds = ends;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= quiet.toNanos()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline did not settle within " + timeout
                        + (packetsDone ? " (topics kept growing)" : " (packets not all processed)"));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static boolean committedAll(Admin admin, String groupId, String topic, Map<TopicPartition, Long> ends) {
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

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                    d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r = admin.listOffsets(request).all().get();
            return r.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read end offsets: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
