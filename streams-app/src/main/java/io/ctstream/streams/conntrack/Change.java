package io.ctstream.streams.conntrack;

/** What a packet changed on its connection, so the topology knows which conntrack event to emit. */
public enum Change {
    /** A connection was created by this packet (emit NEW). */
    CREATED,
    /** The TCP state changed (kernel event IPCT_PROTOINFO; emit UPDATE "tcp-state"). */
    TCP_STATE,
    /** The first reply-direction packet was accepted (IPCT_REPLY; emit UPDATE "seen-reply"). */
    SEEN_REPLY,
    /** The connection became ASSURED (IPCT_ASSURED; emit UPDATE "assured"). */
    ASSURED,
    /**
     * A connection was destroyed by this packet (emit DESTROY for {@link TrackResult#destroyed()}):
     * it had expired before the packet arrived, a SYN reopened a closed connection, or an RST was
     * the only answer.
     */
    DESTROYED
}
