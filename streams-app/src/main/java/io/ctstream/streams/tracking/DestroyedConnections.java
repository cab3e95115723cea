package io.ctstream.streams.tracking;

import io.ctstream.avro.Connection;
import io.ctstream.avro.FlowKey;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.conntrack.TrackedConnectionCodec;
import io.ctstream.streams.conntrack.state.TrackingState;
import io.ctstream.streams.timers.DeadlineIndex;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Connections destroyed before the matcher's decision about them could come back (issue 17 item 2).
 * The matcher tells a data connection that it fulfilled an expectation through {@code ct-feedback},
 * a grace period of the matcher's stream time after the connection began; a connection reset within
 * that time, or timed out on a partition whose stream time ran ahead (fast replay, sensors apart),
 * is gone by then. Its last state is kept here, by flow key, for {@link #KEPT_FOR} of stream time,
 * so the FULFILLED can still give it its master, expectation id and EXPECTED status in a last
 * DESTROY event; after that it is purged, and a later claim finds nothing (counted as {@code
 * no-connection}).
 *
 * <p>Only TCP connections without a master are kept (the only ones the matcher may still claim). A
 * value is the purge time, the destroy time and reason (so the last event repeats them exactly),
 * then the connection in {@link TrackedConnectionCodec}'s form; a purge removes an entry only if
 * its purge time is the one indexed, never a newer connection of the same flow.
 */
final class DestroyedConnections {
    /**
     * How long, in stream time after its destruction, a connection waits for the matcher's claim.
     */
    static final Duration KEPT_FOR = Duration.ofMinutes(2);

    private static final long KEPT_FOR_MICROS = KEPT_FOR.toNanos() / 1000;
    private static final int TCP = 6;

    /** A kept connection: what its DESTROY event said. */
    record Destroyed(Connection connection, long atMicros, String reason) {}

    private final KeyValueStore<FlowKey, byte[]> store;
    private final DeadlineIndex purges;
    private final FlowKeySerde keySerde = new FlowKeySerde();

    DestroyedConnections(
            KeyValueStore<FlowKey, byte[]> store, KeyValueStore<Bytes, byte[]> purges) {
        this.store = store;
        this.purges = new DeadlineIndex(purges);
    }

    /** Whether the matcher could still claim {@code last}: a TCP connection without a master. */
    static boolean claimable(Connection last) {
        return last.getOrig().getProtocol() == TCP && last.getMaster() == null;
    }

    /**
     * Keeps {@code last}, destroyed at {@code atMicros} for {@code reason}, until stream time
     * {@code nowMicros} + {@link #KEPT_FOR}.
     */
    void keep(FlowKey key, Connection last, long atMicros, String reason, long nowMicros) {
        long purgeAt = Math.max(nowMicros, atMicros) + KEPT_FOR_MICROS;
        byte[] id = keySerde.serialize(null, key);
        byte[] old = store.get(key);
        if (old != null) {
            purges.remove(
                    ByteBuffer.wrap(old).getLong(),
                    id); // the flow's previous connection gives up its place
        }
        byte[] why = (reason == null ? "" : reason).getBytes(StandardCharsets.UTF_8);
        byte[] connection =
                TrackedConnectionCodec.encode(
                        new TrackedConnection(last, TrackingState.newBuilder().build()));
        store.put(
                key,
                ByteBuffer.allocate(8 + 8 + 4 + why.length + connection.length)
                        .putLong(purgeAt)
                        .putLong(atMicros)
                        .putInt(why.length)
                        .put(why)
                        .put(connection)
                        .array());
        purges.add(purgeAt, id);
    }

    /**
     * The destroyed connection {@code connectionId} of flow {@code key}, no longer kept; empty if
     * not (or no longer) kept.
     */
    Optional<Destroyed> claim(FlowKey key, String connectionId) {
        byte[] value = store.get(key);
        if (value == null) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        long purgeAt = b.getLong();
        long at = b.getLong();
        byte[] why = new byte[b.getInt()];
        b.get(why);
        byte[] connection = new byte[b.remaining()];
        b.get(connection);
        Connection c = TrackedConnectionCodec.decode(connection).connection();
        if (!c.getId().equals(connectionId)) {
            return Optional.empty();
        }
        store.delete(key);
        purges.remove(purgeAt, keySerde.serialize(null, key));
        String reason = new String(why, StandardCharsets.UTF_8);
        return Optional.of(new Destroyed(c, at, reason.isEmpty() ? null : reason));
    }

    /**
     * Forgets every connection whose time to be claimed is over at stream time {@code nowMicros}.
     */
    void purge(long nowMicros) {
        for (DeadlineIndex.Entry e : purges.due(nowMicros)) {
            purges.remove(e.deadlineMicros(), e.id());
            FlowKey key = keySerde.deserialize(null, e.id());
            byte[] value = store.get(key);
            if (value != null && ByteBuffer.wrap(value).getLong() == e.deadlineMicros()) {
                store.delete(key);
            }
        }
    }
}
