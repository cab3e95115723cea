package io.ctstream.capture.decode;

import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Tuple;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Turns a {@link DecodedPacket} into the Avro {@link PacketRecord} of the packets topic. */
public final class PacketRecords {
    private static final ByteBuffer EMPTY = ByteBuffer.wrap(new byte[0]);

    private PacketRecords() {
    }

    /**
     * @param keepPayload how many payload bytes to copy (the edge payload policy decides); clamped
     *                    to what was captured
     */
    public static PacketRecord toRecord(DecodedPacket p, String sensorId, long timestampMicros, String interfaceName,
                                        int keepPayload) {
        byte[] b = p.buffer();
        int alen = p.addressLength();
        int keep = Math.max(0, Math.min(keepPayload, p.payloadCaptured()));
        ByteBuffer payload = keep == 0 ? EMPTY.duplicate()
                : ByteBuffer.wrap(Arrays.copyOfRange(b, p.payloadOffset(), p.payloadOffset() + keep));
        Tuple quoted = null;
        if (p.hasQuoted()) {
            int qlen = p.quotedIpVersion() == 6 ? 16 : 4;
            quoted = new Tuple(p.quotedIpVersion(), p.quotedProtocol(),
                    ByteBuffer.wrap(Arrays.copyOfRange(b, p.quotedSrcOffset(), p.quotedSrcOffset() + qlen)),
                    p.quotedSrcPort(),
                    ByteBuffer.wrap(Arrays.copyOfRange(b, p.quotedDstOffset(), p.quotedDstOffset() + qlen)),
                    p.quotedDstPort());
        }
        boolean icmp = p.icmpType() != DecodedPacket.NO_ICMP;
        return PacketRecord.newBuilder()
                .setSensorId(sensorId)
                .setTimestampMicros(timestampMicros)
                .setInterfaceName(interfaceName)
                .setIpVersion(p.ipVersion())
                .setSrc(ByteBuffer.wrap(Arrays.copyOfRange(b, p.srcOffset(), p.srcOffset() + alen)))
                .setDst(ByteBuffer.wrap(Arrays.copyOfRange(b, p.dstOffset(), p.dstOffset() + alen)))
                .setProtocol(p.protocol())
                .setIpTotalLength(p.ipTotalLength())
                .setIpId(p.ipId())
                .setTtl(p.ttl())
                .setFragment(p.fragment())
                .setSrcPort(p.srcPort())
                .setDstPort(p.dstPort())
                .setTcpFlags(p.tcpFlags())
                .setTcpSeq(p.tcpSeq())
                .setTcpAck(p.tcpAck())
                .setTcpWindow(p.tcpWindow())
                .setTcpWindowScale(p.tcpWindowScale())
                .setTcpSackPermitted(p.tcpSackPermitted())
                .setTcpMaxSack(p.tcpMaxSack())
                .setIcmpType(icmp ? p.icmpType() : null)
                .setIcmpCode(icmp ? p.icmpCode() : null)
                .setIcmpQuoted(quoted)
                .setPayloadLength(p.payloadLength())
                .setPayload(payload)
                .build();
    }
}
