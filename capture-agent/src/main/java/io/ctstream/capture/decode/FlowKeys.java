package io.ctstream.capture.decode;

import io.ctstream.avro.FlowKey;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The canonical {@link FlowKey} of a decoded packet: the endpoint whose (address unsigned, then
 * port) sorts lower is A, so both directions of a flow get the same key. An ICMP error is keyed by
 * the flow it quotes, so it reaches that connection's partition.
 */
public final class FlowKeys {
    private FlowKeys() {
    }

    public static FlowKey of(DecodedPacket p) {
        byte[] b = p.buffer();
        if (p.hasQuoted()) {
            int len = p.quotedIpVersion() == 6 ? 16 : 4;
            return canonical(p.quotedIpVersion(), p.quotedProtocol(), b, p.quotedSrcOffset(), p.quotedSrcPort(),
                    b, p.quotedDstOffset(), p.quotedDstPort(), len);
        }
        return canonical(p.ipVersion(), p.protocol(), b, p.srcOffset(), p.srcPort(), b, p.dstOffset(), p.dstPort(),
                p.addressLength());
    }

    /** The canonical key of one direction's endpoints ({@code len}-byte addresses at the given offsets). */
    public static FlowKey canonical(int ipVersion, int protocol, byte[] srcBuf, int srcOff, int srcPort,
                                    byte[] dstBuf, int dstOff, int dstPort, int len) {
        int c = Arrays.compareUnsigned(srcBuf, srcOff, srcOff + len, dstBuf, dstOff, dstOff + len);
        boolean srcIsA = c < 0 || (c == 0 && srcPort <= dstPort);
        ByteBuffer src = ByteBuffer.wrap(Arrays.copyOfRange(srcBuf, srcOff, srcOff + len));
        ByteBuffer dst = ByteBuffer.wrap(Arrays.copyOfRange(dstBuf, dstOff, dstOff + len));
        return srcIsA
                ? new FlowKey(ipVersion, protocol, src, srcPort, dst, dstPort)
                : new FlowKey(ipVersion, protocol, dst, dstPort, src, srcPort);
    }
}
