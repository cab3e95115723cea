package io.ctstream.streams.conntrack.tcp;

import io.ctstream.avro.TcpState;

/**
 * Result of the TCP tracker for one packet.
 *
 * @param action what to do with the packet
 * @param newState TCP state after the packet (unchanged unless ACCEPT)
 * @param timeoutMicros for ACCEPT: the new timeout from now, or -1 when the kernel does not refresh
 *     the timer (a retransmitted SYN before any reply)
 * @param assure for ACCEPT: set ASSURED now
 * @param kill for ACCEPT: destroy the connection after accounting the packet (an RST was the only
 *     answer)
 * @param timeoutAtMicros for INVALID: a lowered absolute timeout (nf_tcp_handle_invalid), or -1 to
 *     keep it
 * @param reason why the packet was ignored or invalid (the kernel's log text), else null
 */
public record TcpOutcome(
        Action action,
        TcpState newState,
        long timeoutMicros,
        boolean assure,
        boolean kill,
        long timeoutAtMicros,
        String reason) {

    public enum Action {
        /** In window: account it, refresh the timer, move the state. */
        ACCEPT,
        /**
         * NF_ACCEPT without touching the conntrack: not counted, timer not refreshed (ctinfo as
         * usual).
         */
        IGNORE,
        /** INVALID: not counted, ctinfo INVALID. */
        INVALID,
        /**
         * A SYN reopening a closed/aborted connection: destroy the old entry and track the packet
         * as a new one.
         */
        REOPEN
    }

    static TcpOutcome ignore(TcpState s, String reason) {
        return new TcpOutcome(Action.IGNORE, s, -1, false, false, -1, reason);
    }

    static TcpOutcome invalid(TcpState s, String reason) {
        return new TcpOutcome(Action.INVALID, s, -1, false, false, -1, reason);
    }
}
