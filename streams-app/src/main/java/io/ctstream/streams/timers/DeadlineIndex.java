package io.ctstream.streams.timers;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A stream-time timer index over a key-value store: one entry per (deadline, id), ordered by
 * deadline, for a STREAM_TIME punctuator to range-scan what is due. The tracker indexes connections
 * by flow key, the matcher its slots by destination key.
 *
 * <p>The store key is the deadline in microseconds as 8 big-endian bytes followed by the id's
 * bytes: byte order is time order (deadlines are clamped to {@code >= 0}, so the unsigned byte
 * comparison of RocksDB and of the record cache agrees with numeric order), and building a key
 * costs no formatting. The value is empty: the id is the key's suffix.
 *
 * <p>Callers may index an entry <em>earlier</em> than the real deadline and move it only when the
 * deadline moves earlier still ({@link #reindexEarlier}): a connection whose timer is pushed later
 * by every packet then costs no index write at all; when its early entry comes due the caller finds
 * it alive and indexes it again at its real deadline. That is why the caller, not this class,
 * remembers where an id is indexed.
 */
public final class DeadlineIndex {
    /** Not indexed. */
    public static final long NONE = Long.MIN_VALUE;

    private static final byte[] EMPTY = new byte[0];
    private static final Bytes FROM = Bytes.wrap(new byte[0]);

    private final KeyValueStore<Bytes, byte[]> store;

    public DeadlineIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** A due (or soonest) entry. */
    public record Entry(long deadlineMicros, byte[] id) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e
                    && e.deadlineMicros == deadlineMicros
                    && Arrays.equals(e.id, id);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(deadlineMicros) * 31 + Arrays.hashCode(id);
        }
    }

    public void add(long deadlineMicros, byte[] id) {
        store.put(key(deadlineMicros, id), EMPTY);
    }

    public void remove(long deadlineMicros, byte[] id) {
        if (deadlineMicros != NONE) {
            store.delete(key(deadlineMicros, id));
        }
    }

    /**
     * Keeps {@code id} indexed no later than {@code deadlineMicros}, given that it is indexed at
     * {@code indexedMicros} ({@link #NONE}: nowhere), and returns where it is indexed afterwards:
     * unchanged when that is already early enough, else moved to the new deadline.
     */
    public long reindexEarlier(long indexedMicros, long deadlineMicros, byte[] id) {
        if (indexedMicros != NONE && clamp(indexedMicros) <= clamp(deadlineMicros)) {
            return indexedMicros;
        }
        remove(indexedMicros, id);
        add(deadlineMicros, id);
        return deadlineMicros;
    }

    /**
     * Every entry due at {@code nowMicros} (deadline at or before it), soonest first; they stay
     * indexed.
     */
    public List<Entry> due(long nowMicros) {
        List<Entry> due = new ArrayList<>();
        if (nowMicros < 0) {
            return due;
        }
        Bytes to = Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(nowMicros + 1).array());
        // range() is inclusive at both ends; the upper bound is the first key of the next
        // microsecond, which no
        // entry equals exactly (every key is longer than 8 bytes), so it only bounds.
        try (KeyValueIterator<Bytes, byte[]> it = store.range(FROM, to)) {
            while (it.hasNext()) {
                due.add(entry(it.next()));
            }
        }
        return due;
    }

    /**
     * The first {@code n} entries, soonest first (a full table's candidates for early eviction).
     */
    public List<Entry> soonest(int n) {
        List<Entry> out = new ArrayList<>(Math.max(0, Math.min(n, 64)));
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (out.size() < n && it.hasNext()) {
                out.add(entry(it.next()));
            }
        }
        return out;
    }

    public Optional<Entry> first() {
        List<Entry> one = soonest(1);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    public boolean isEmpty() {
        return first().isEmpty();
    }

    static Bytes key(long deadlineMicros, byte[] id) {
        return Bytes.wrap(
                ByteBuffer.allocate(Long.BYTES + id.length)
                        .putLong(clamp(deadlineMicros))
                        .put(id)
                        .array());
    }

    private static Entry entry(KeyValue<Bytes, byte[]> kv) {
        byte[] k = kv.key.get();
        return new Entry(ByteBuffer.wrap(k).getLong(), Arrays.copyOfRange(k, Long.BYTES, k.length));
    }

    private static long clamp(long micros) {
        return Math.max(0, micros);
    }
}
