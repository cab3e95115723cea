package io.ctstream.streams.tracking;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.StatusFlag;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.limits.CountedStore;
import io.ctstream.streams.timers.DeadlineIndex;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's conntrack table: the connections store and its stream-time timer index, kept
 * consistent.
 *
 * <p>Each stored connection has exactly one index entry, at or before its timeout, and remembers
 * where ({@link TrackedConnection#indexedDeadlineMicros()}). A packet that pushes the timeout later
 * (almost every packet of an established connection) writes no index entry; one that brings it
 * earlier (a FIN, a RST, a reply to an unreplied connection) moves the entry. When an entry comes
 * due and its connection has not timed out, it is indexed again at its real timeout ({@link
 * #expireDue}).
 */
final class ConnectionTable {
    private final CountedStore<FlowKey, TrackedConnection> connections;
    private final DeadlineIndex deadlines;
    private final FlowKeySerde keySerde = new FlowKeySerde();

    ConnectionTable(
            KeyValueStore<FlowKey, TrackedConnection> connections,
            KeyValueStore<Bytes, byte[]> deadlines) {
        this.connections = new CountedStore<>(connections);
        this.deadlines = new DeadlineIndex(deadlines);
        if (this.connections.size() > 0 && this.deadlines.isEmpty()) {
            reindexAll(connections);
        }
    }

    /**
     * The connection stored for {@code key}: freshly decoded, the caller's to modify and {@link
     * #save}.
     */
    TrackedConnection get(FlowKey key) {
        return connections.get(key);
    }

    long size() {
        return connections.size();
    }

    /**
     * Stores {@code connection} for {@code key}, indexing its timeout.
     *
     * @param stored whether the store holds a connection for {@code key} now (this one before the
     *     packet, or one that {@code connection} replaces, whose entry the caller has {@link
     *     #unindex unindexed})
     */
    void save(FlowKey key, TrackedConnection connection, boolean stored) {
        long timeout = ConnectionTracker.nextTimeoutMicros(connection);
        long indexed = connection.indexedDeadlineMicros();
        connection.indexedDeadlineMicros(
                deadlines.reindexEarlier(
                        indexed == TrackedConnection.NOT_INDEXED ? DeadlineIndex.NONE : indexed,
                        timeout,
                        id(key)));
        connections.put(key, connection, stored);
    }

    /**
     * Removes the connection stored for {@code key} ({@code stored}, as read) and its index entry.
     */
    void remove(FlowKey key, TrackedConnection stored) {
        unindex(key, stored);
        connections.delete(key);
    }

    /** Removes the entry of {@code key} whose index entry is already gone ({@link #unindex}). */
    void delete(FlowKey key) {
        connections.delete(key);
    }

    /** Drops the index entry of a connection that is being replaced under the same key. */
    void unindex(FlowKey key, TrackedConnection connection) {
        long indexed = connection.indexedDeadlineMicros();
        if (indexed != TrackedConnection.NOT_INDEXED) {
            deadlines.remove(indexed, id(key));
            connection.indexedDeadlineMicros(TrackedConnection.NOT_INDEXED);
        }
    }

    /**
     * What the timer found at stream time {@code nowMicros}: a connection that has timed out,
     * removed from the table.
     */
    record Expired(FlowKey key, TrackedConnection connection) {}

    /**
     * Every connection whose timeout has passed at {@code nowMicros}, removed from the table,
     * soonest first; entries of connections still alive are indexed again at their real timeout.
     */
    List<Expired> expireDue(long nowMicros) {
        List<Expired> expired = new ArrayList<>();
        for (DeadlineIndex.Entry d : deadlines.due(nowMicros)) {
            FlowKey key = keySerde.deserialize(null, d.id());
            TrackedConnection tracked = connections.get(key);
            if (tracked == null || tracked.indexedDeadlineMicros() != d.deadlineMicros()) {
                deadlines.remove(d.deadlineMicros(), d.id()); // an entry nothing points to any more
                continue;
            }
            if (ConnectionTracker.isExpired(tracked, nowMicros)) {
                remove(key, tracked);
                expired.add(new Expired(key, tracked));
            } else {
                deadlines.remove(d.deadlineMicros(), d.id());
                tracked.indexedDeadlineMicros(TrackedConnection.NOT_INDEXED);
                save(key, tracked, true);
            }
        }
        return expired;
    }

    /**
     * The kernel's early_drop: among the first {@code scan} connections in timer order, the first
     * that is not ASSURED (half-open, unreplied), removed from the table; null when all of them are
     * assured. Timer order is the index order, in which an entry may sit earlier than its
     * connection's timeout: "soonest" is approximate, as the kernel's own choice (one hash bucket's
     * oldest) is.
     */
    Expired earlyDrop(int scan) {
        for (DeadlineIndex.Entry d : deadlines.soonest(scan)) {
            FlowKey key = keySerde.deserialize(null, d.id());
            TrackedConnection tc = connections.get(key);
            if (tc != null && !tc.connection().getStatus().contains(StatusFlag.ASSURED)) {
                remove(key, tc);
                return new Expired(key, tc);
            }
        }
        return null;
    }

    /**
     * A store restored without its index (older layout, or an index store that was reset): index
     * every entry.
     */
    private void reindexAll(KeyValueStore<FlowKey, TrackedConnection> store) {
        List<KeyValue<FlowKey, TrackedConnection>> all = new ArrayList<>();
        try (KeyValueIterator<FlowKey, TrackedConnection> it = store.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<FlowKey, TrackedConnection> kv : all) {
            kv.value.indexedDeadlineMicros(TrackedConnection.NOT_INDEXED);
            save(kv.key, kv.value, true);
        }
    }

    private byte[] id(FlowKey key) {
        return keySerde.serialize(null, key);
    }
}
