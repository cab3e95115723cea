package io.ctstream.streams.conntrack;

import io.ctstream.avro.CtState;

/**
 * The conntrack state a packet gets (the kernel's ctinfo), plus UNTRACKED for what the kernel
 * leaves untracked.
 */
public enum PacketState {
    NEW,
    ESTABLISHED,
    RELATED,
    INVALID,
    /**
     * ICMPv6 neighbour discovery / MLD: no connection, not invalid either (kernel:
     * IP_CT_UNTRACKED).
     */
    UNTRACKED;

    /** The schema's CtState; UNTRACKED has none and maps to null. */
    public CtState toCtState() {
        return switch (this) {
            case NEW -> CtState.NEW;
            case ESTABLISHED -> CtState.ESTABLISHED;
            case RELATED -> CtState.RELATED;
            case INVALID -> CtState.INVALID;
            case UNTRACKED -> null;
        };
    }
}
