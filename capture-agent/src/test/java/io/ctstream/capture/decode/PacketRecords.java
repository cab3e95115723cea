package io.ctstream.capture.decode;

import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Tuple;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/** Turns a {@link DecodedPacket} into the Avro {@link PacketRecord} of the packets topic. */
public final class PacketRecords {
    private static final ByteBuffer EMPTY = ByteBuffer.wrap(new byte[0]);

    private PacketRecords() {}

    /**
     * @param keepPayload how many payload bytes to copy (the edge payload policy decides); clamped
     *     to what was captured
     */
    public static PacketRecord toRecord(
            DecodedPacket p,
            String sensorId,
            long timestampMicros,
            String interfaceName,
            int keepPayload) {
        byte[] b = p.buffer();
        int alen = p.addressLength();
        int keep = Math.max(0, Math.min(keepPayload, p.payloadCaptured()));
        ByteBuffer payload =
                keep == 0
                        ? EMPTY.duplicate()
                        : ByteBuffer.wrap(
                                Arrays.copyOfRange(b, p.payloadOffset(), p.payloadOffset() + keep));
        Tuple quoted = null;
        if (p.hasQuoted()) {
            int qlen = p.quotedIpVersion() == 6 ? 16 : 4;
            quoted =
                    new Tuple(
                            p.quotedIpVersion(),
                            p.quotedProtocol(),
                            ByteBuffer.wrap(
                                    Arrays.copyOfRange(
                                            b, p.quotedSrcOffset(), p.quotedSrcOffset() + qlen)),
                            p.quotedSrcPort(),
                            ByteBuffer.wrap(
                                    Arrays.copyOfRange(
                                            b, p.quotedDstOffset(), p.quotedDstOffset() + qlen)),
                            p.quotedDstPort());
        }
        boolean icmp = p.icmpType() != DecodedPacket.NO_ICMP;
        // The all-arguments constructor, not the builder: the builder validates and deep-copies
        // every
        // field, which costs more than the whole decode on the replay hot path.
        return new PacketRecord(
                sensorId,
                timestampMicros,
                interfaceName,
                p.ipVersion(),
                ByteBuffer.wrap(Arrays.copyOfRange(b, p.srcOffset(), p.srcOffset() + alen)),
                ByteBuffer.wrap(Arrays.copyOfRange(b, p.dstOffset(), p.dstOffset() + alen)),
                p.protocol(),
                p.ipTotalLength(),
                p.ipId(),
                p.ttl(),
                p.fragment(),
                p.srcPort(),
                p.dstPort(),
                p.tcpFlags(),
                p.tcpSeq(),
                p.tcpAck(),
                p.tcpWindow(),
                p.tcpWindowScale(),
                p.tcpSackPermitted(),
                p.tcpMaxSack(),
                icmp ? p.icmpType() : null,
                icmp ? p.icmpCode() : null,
                quoted,
                p.payloadLength(),
                payload,
                List.of());
    }
}
