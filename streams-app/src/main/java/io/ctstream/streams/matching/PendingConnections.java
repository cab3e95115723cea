package io.ctstream.streams.matching;

import io.ctstream.avro.internal.NewConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * New connections waiting for their decision, one store entry each, ordered by first-packet
 * timestamp then connection id (key: the timestamp as 8 big-endian bytes, clamped to {@code >= 0},
 * then the id's bytes). A SYN flood therefore costs one small write per SYN, not a rewrite of its
 * destination's whole list, and the due ones are one range scan in the order they must be decided.
 * The entry count is exact (kept from one scan at start), for the table cap.
 */
final class PendingConnections {
    private static final Bytes FROM = Bytes.wrap(new byte[0]);

    private final KeyValueStore<Bytes, NewConnection> store;
    private long size;

    PendingConnections(KeyValueStore<Bytes, NewConnection> store) {
        this.store = store;
        try (KeyValueIterator<Bytes, NewConnection> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                size++;
            }
        }
    }

    long size() {
        return size;
    }

    /**
     * Adds a connection not waiting yet. No read first: a key is a connection's first timestamp and
     * id, and a connection is created, and sent here, once (under exactly-once a replayed input
     * finds the store as it was before it); on a SYN flood this is the hot path.
     */
    void add(NewConnection c) {
        store.put(key(c), c);
        size++;
    }

    /**
     * Takes out, in decision order, every connection stamped at or before {@code timestampMicros}.
     */
    List<NewConnection> takeUpTo(long timestampMicros) {
        List<NewConnection> due = new ArrayList<>();
        if (timestampMicros < 0) {
            return due;
        }
        List<Bytes> keys = new ArrayList<>();
        Bytes to = Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(timestampMicros + 1).array());
        // inclusive at both ends; the bound is shorter than every key, so no key equals it
        try (KeyValueIterator<Bytes, NewConnection> it = store.range(FROM, to)) {
            while (it.hasNext()) {
                var kv = it.next();
                keys.add(kv.key);
                due.add(kv.value);
            }
        }
        for (Bytes k : keys) {
            store.delete(k);
        }
        size -= keys.size();
        return due;
    }

    static Bytes key(NewConnection c) {
        byte[] id = c.getConnectionId().getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(
                ByteBuffer.allocate(Long.BYTES + id.length)
                        .putLong(Math.max(0, c.getTimestampMicros()))
                        .put(id)
                        .array());
    }
}
