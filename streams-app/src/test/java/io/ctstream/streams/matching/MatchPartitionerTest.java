package io.ctstream.streams.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.internal.MatchInput;
import io.ctstream.avro.internal.TrackerProgress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class MatchPartitionerTest {
    private final MatchPartitioner partitioner = new MatchPartitioner();

    @Test
    void keyedRecordsGoWhereTheProducersDefaultPartitionerPutsThem() {
        for (String key :
                new String[] {"4/6/10.77.1.2/60315", "6/6/2001:db8::1/21", "4/17/192.0.2.1/69"}) {
            for (int n = 1; n <= 12; n++) {
                int expected =
                        BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), n);
                assertThat(
                                partitioner.partitions(
                                        "ct-match", key, new MatchInput(null, null, null), n))
                        .contains(Set.of(expected));
            }
        }
    }

    @Test
    void progressGoesToEveryPartition() {
        MatchInput progress = new MatchInput(null, null, new TrackerProgress(1, 4, 10L, false));
        assertThat(partitioner.partitions("ct-match", "progress", progress, 5))
                .contains(Set.of(0, 1, 2, 3, 4));
    }
}
