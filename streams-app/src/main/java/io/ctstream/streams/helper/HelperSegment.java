package io.ctstream.streams.helper;

import java.util.Objects;

/**
 * One packet of a master connection as a helper sees it: a TCP segment, or a UDP datagram (seq 0,
 * no flags, no acknowledgement: {@link #datagram}).
 *
 * @param seq TCP sequence number (unsigned 32-bit)
 * @param tcpFlags the flags byte (SYN 0x02 matters: it sets the initial sequence number)
 * @param payload the payload bytes captured
 * @param payloadLength the payload length on the wire; more than {@code payload.length} when the
 *     capture cut it
 * @param timestampMicros capture time, the event time of everything the segment causes
 * @param ack the acknowledgement number (unsigned 32-bit) when the ACK flag is set, else {@link
 *     #NO_ACK}: what the sender has received of the other direction, so a hole the sensor missed
 *     there is known to be lost for good
 */
public record HelperSegment(
        long seq, int tcpFlags, byte[] payload, int payloadLength, long timestampMicros, long ack) {

    public static final int SYN = 0x02;
    public static final int ACK = 0x10;
    public static final long NO_ACK = -1;

    public HelperSegment {
        Objects.requireNonNull(payload, "payload");
        if (payloadLength < payload.length) {
            throw new IllegalArgumentException(
                    "payloadLength " + payloadLength + " < captured " + payload.length);
        }
        seq &= 0xffffffffL;
        ack = ack < 0 ? NO_ACK : ack & 0xffffffffL;
    }

    /** A segment whose acknowledgement number is not known. */
    public HelperSegment(
            long seq, int tcpFlags, byte[] payload, int payloadLength, long timestampMicros) {
        this(seq, tcpFlags, payload, payloadLength, timestampMicros, NO_ACK);
    }

    public boolean hasAck() {
        return ack != NO_ACK;
    }

    /**
     * A UDP datagram: no sequence space, so nothing to reassemble; the helper reads each one whole.
     */
    public static HelperSegment datagram(byte[] payload, int payloadLength, long timestampMicros) {
        return new HelperSegment(0, 0, payload, payloadLength, timestampMicros, NO_ACK);
    }

    /** A segment captured whole. */
    public static HelperSegment of(long seq, int tcpFlags, byte[] payload, long timestampMicros) {
        return new HelperSegment(seq, tcpFlags, payload, payload.length, timestampMicros);
    }

    public boolean syn() {
        return (tcpFlags & SYN) != 0;
    }

    public boolean truncated() {
        return payloadLength > payload.length;
    }
}
