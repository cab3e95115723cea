package io.ctstream.bench.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until a consumer group (a Streams application id) has committed every record of a topic:
 * offsets decide, never sleeps. Polled every 50 ms, so a measured span is at most that much long.
 */
public final class CatchUp {
    private CatchUp() {}

    /** The topic's end offsets, partition by partition. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .forEach(
                            p ->
                                    request.put(
                                            new TopicPartition(topic, p.partition()),
                                            OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(request)
                    .all()
                    .get()
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot read end offsets of " + topic + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static long total(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Blocks until {@code group} has committed up to {@code ends}; throws after {@code timeout}.
     */
    public static void await(
            Admin admin, String group, Map<TopicPartition, Long> ends, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (committed(admin, group, ends) < total(ends)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        group
                                + " did not commit all "
                                + total(ends)
                                + " records within "
                                + timeout
                                + " (committed "
                                + committed(admin, group, ends)
                                + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static long committed(Admin admin, String group, Map<TopicPartition, Long> ends) {
        try {
            Map<TopicPartition, OffsetAndMetadata> c =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            long sum = 0;
            for (TopicPartition tp : ends.keySet()) {
                OffsetAndMetadata o = c.get(tp);
                sum += o == null ? 0 : Math.min(o.offset(), ends.get(tp));
            }
            return sum;
        } catch (ExecutionException e) {
            return 0; // the group may not exist yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
