package io.ctstream.streams.helper.channel;

import java.util.Objects;

/**
 * One TCP segment of a control connection, as the helpers need it.
 *
 * @param seq             TCP sequence number (unsigned 32-bit)
 * @param tcpFlags        the flags byte (SYN 0x02 matters: it sets the initial sequence number)
 * @param payload         the payload bytes captured
 * @param payloadLength   the payload length on the wire; more than {@code payload.length} when the capture cut it
 * @param timestampMicros capture time, the event time of everything the segment causes
 */
public record TcpSegment(long seq, int tcpFlags, byte[] payload, int payloadLength, long timestampMicros) {

    public static final int SYN = 0x02;

    public TcpSegment {
        Objects.requireNonNull(payload, "payload");
        if (payloadLength < payload.length) {
            throw new IllegalArgumentException("payloadLength " + payloadLength + " < captured " + payload.length);
        }
        seq &= 0xffffffffL;
    }

    /** A segment captured whole. */
    public static TcpSegment of(long seq, int tcpFlags, byte[] payload, long timestampMicros) {
        return new TcpSegment(seq, tcpFlags, payload, payload.length, timestampMicros);
    }

    public boolean syn() {
        return (tcpFlags & SYN) != 0;
    }

    public boolean truncated() {
        return payloadLength > payload.length;
    }
}
