package io.ctstream.streams.conntrack;

import io.ctstream.avro.Connection;
import io.ctstream.streams.conntrack.state.TrackingState;
import java.util.Objects;

/**
 * One tracked connection: the public {@link Connection} snapshot plus the kernel-internal tracking
 * state (TCP window data, retransmission detection, duplicate memory). The value of the connection
 * store; serialise it with {@link TrackedConnectionCodec}.
 *
 * <p>Both parts are mutable Avro objects: {@link ConnectionTracker} never modifies the instance it
 * is given, it works on a {@link #copy()}.
 */
public final class TrackedConnection {

    /** Not indexed in a timer index (a connection that was never stored). */
    public static final long NOT_INDEXED = Long.MIN_VALUE;

    private final Connection connection;
    private final TrackingState state;

    /**
     * Where the topology's timer index holds this connection: at or before its timeout, so that a
     * packet that pushes the timeout later costs no index write (the topology's bookkeeping; not
     * part of equality).
     */
    private long indexedDeadlineMicros;

    public TrackedConnection(Connection connection, TrackingState state) {
        this(connection, state, NOT_INDEXED);
    }

    public TrackedConnection(
            Connection connection, TrackingState state, long indexedDeadlineMicros) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.state = Objects.requireNonNull(state, "state");
        this.indexedDeadlineMicros = indexedDeadlineMicros;
    }

    public long indexedDeadlineMicros() {
        return indexedDeadlineMicros;
    }

    public void indexedDeadlineMicros(long micros) {
        this.indexedDeadlineMicros = micros;
    }

    public Connection connection() {
        return connection;
    }

    public TrackingState state() {
        return state;
    }

    /** A deep copy. */
    public TrackedConnection copy() {
        return new TrackedConnection(
                Connection.newBuilder(connection).build(),
                TrackingState.newBuilder(state).build(),
                indexedDeadlineMicros);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackedConnection t
                && connection.equals(t.connection)
                && state.equals(t.state);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connection, state);
    }

    @Override
    public String toString() {
        return "TrackedConnection{" + connection + ", " + state + "}";
    }
}
