package io.ctstream.streams.timers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeadlineIndexTest {
    private DeadlineIndex index;

    @BeforeEach
    void setUp() {
        KeyValueStore<Bytes, byte[]> store =
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore("deadlines"),
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withLoggingDisabled()
                        .build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        index = new DeadlineIndex(store);
    }

    private static byte[] id(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> ids(List<DeadlineIndex.Entry> entries) {
        return entries.stream()
                .map(e -> e.deadlineMicros() + ":" + new String(e.id(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void dueEntriesComeInTimeOrderUpToAndIncludingNow() {
        // byte order must be numeric order across byte boundaries (255 < 256, 65535 < 65536)
        index.add(65_536, id("c"));
        index.add(255, id("a"));
        index.add(256, id("b"));
        index.add(1_700_000_000_000_000L, id("far"));
        index.add(65_535, id("z"));

        assertThat(ids(index.due(65_535))).containsExactly("255:a", "256:b", "65535:z");
        assertThat(ids(index.due(65_536))).containsExactly("255:a", "256:b", "65535:z", "65536:c");
        assertThat(ids(index.due(254))).isEmpty();
        assertThat(ids(index.soonest(2))).containsExactly("255:a", "256:b");
    }

    @Test
    void entriesOfOneDeadlineAreOrderedByIdAndRemovedExactly() {
        index.add(10, id("b"));
        index.add(10, id("a"));
        index.add(10, id("ab"));
        index.remove(10, id("a"));
        assertThat(ids(index.due(10))).containsExactly("10:ab", "10:b");
    }

    @Test
    void reindexEarlierMovesOnlyWhenTheDeadlineMovesEarlier() {
        long at = index.reindexEarlier(DeadlineIndex.NONE, 100, id("x"));
        assertThat(at).isEqualTo(100);
        // later: the early entry stays, no write
        assertThat(index.reindexEarlier(at, 500, id("x"))).isEqualTo(100);
        assertThat(ids(index.due(1000))).containsExactly("100:x");
        // earlier: moved
        assertThat(index.reindexEarlier(100, 40, id("x"))).isEqualTo(40);
        assertThat(ids(index.due(1000))).containsExactly("40:x");
    }

    @Test
    void negativeDeadlinesAreClampedToZeroAndNegativeNowFindsNothing() {
        index.add(-5, id("neg"));
        assertThat(ids(index.due(0))).containsExactly("0:neg");
        assertThat(index.due(-1)).isEmpty();
        assertThat(index.first()).isPresent();
        index.remove(-5, id("neg"));
        assertThat(index.isEmpty()).isTrue();
    }
}
