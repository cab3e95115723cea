package io.ctstream.streams.conntrack;

import io.ctstream.avro.Connection;
import io.ctstream.streams.conntrack.state.TrackingState;
import java.util.Objects;

/**
 * One tracked connection: the public {@link Connection} snapshot plus the kernel-internal tracking state (TCP window
 * data, retransmission detection, duplicate memory). The value of the connection store; serialise it with
 * {@link TrackedConnectionCodec}.
 *
 * <p>Both parts are mutable Avro objects: {@link ConnectionTracker} never modifies the instance it is given, it works on
 * a {@link #copy()}.
 */
public final class TrackedConnection {

  private final Connection connection;
  private final TrackingState state;

  public TrackedConnection(Connection connection, TrackingState state) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.state = Objects.requireNonNull(state, "state");
  }

  public Connection connection() {
    return connection;
  }

  public TrackingState state() {
    return state;
  }

  /** A deep copy. */
  public TrackedConnection copy() {
    return new TrackedConnection(Connection.newBuilder(connection).build(), TrackingState.newBuilder(state).build());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrackedConnection t && connection.equals(t.connection) && state.equals(t.state);
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
