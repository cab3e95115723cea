package io.ctstream.streams.conntrack;

import io.ctstream.avro.Direction;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What {@link ConnectionTracker#track} made of one packet.
 *
 * @param connection the connection to store for the packet's flow afterwards; null when the flow
 *     has none (the packet was INVALID/UNTRACKED without a connection, or the connection was
 *     destroyed)
 * @param packetState the packet's conntrack state
 * @param direction the packet's direction on its connection; null when it has no connection
 * @param changes what changed, for the events to emit
 * @param destroyed a connection this packet destroyed (with its final counters), when {@code
 *     changes} holds {@link Change#DESTROYED}; else null
 * @param destroyReason why it was destroyed: "timeout", "reopened" or "reset"; null otherwise
 * @param duplicate true when the packet was recognised as a copy of one already counted (seen by
 *     another sensor)
 * @param reason for INVALID/UNTRACKED packets and ignored TCP segments, why (the kernel's log
 *     message); else null
 */
public record TrackResult(
        TrackedConnection connection,
        PacketState packetState,
        Direction direction,
        Set<Change> changes,
        TrackedConnection destroyed,
        String destroyReason,
        boolean duplicate,
        String reason) {

    public TrackResult {
        changes =
                changes.isEmpty()
                        ? Collections.unmodifiableSet(EnumSet.noneOf(Change.class))
                        : Collections.unmodifiableSet(EnumSet.copyOf(changes));
    }

    public boolean has(Change c) {
        return changes.contains(c);
    }
}
