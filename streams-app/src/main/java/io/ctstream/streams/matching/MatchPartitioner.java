package io.ctstream.streams.matching;

import io.ctstream.avro.internal.MatchInput;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions the match topic: expectations and new connections by key, exactly as the producer's
 * default partitioner would (murmur2 of the key's UTF-8 bytes), so that an expectation and its
 * connection meet; a tracker's progress to every partition, since every matcher task waits for
 * every tracker.
 */
public final class MatchPartitioner implements StreamPartitioner<String, MatchInput> {

    @Override
    public Optional<Set<Integer>> partitions(
            String topic, String key, MatchInput value, int numPartitions) {
        if (value != null && value.getProgress() != null) {
            Set<Integer> all = new HashSet<>();
            for (int p = 0; p < numPartitions; p++) {
                all.add(p);
            }
            return Optional.of(all);
        }
        return Optional.of(Set.of(byKey(key, numPartitions)));
    }

    static int byKey(String key, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)))
                % numPartitions;
    }
}
