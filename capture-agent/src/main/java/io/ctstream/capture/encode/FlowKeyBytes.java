package io.ctstream.capture.encode;

import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.serde.FlowKeySerde;
import java.util.Arrays;

/**
 * The canonical flow key of a decoded packet, written straight into {@link FlowKeySerde}'s byte layout
 * ({@code version | ipVersion | protocol | addrA | portA | addrB | portB}) from the frame's bytes: the
 * same bytes as {@code new FlowKeySerde().serialize(topic, FlowKeys.of(packet))}, without the
 * {@code FlowKey} object and its four address copies per packet. Canonical as there: the endpoint
 * whose (address unsigned, then port) sorts lower is A; an ICMP error is keyed by the flow it quotes.
 */
public final class FlowKeyBytes {
    private FlowKeyBytes() {
    }

    public static byte[] of(DecodedPacket p) {
        byte[] b = p.buffer();
        if (p.hasQuoted()) {
            return canonical(p.quotedIpVersion(), p.quotedProtocol(), b, p.quotedSrcOffset(), p.quotedSrcPort(),
                    p.quotedDstOffset(), p.quotedDstPort(), p.quotedIpVersion() == 6 ? 16 : 4);
        }
        return canonical(p.ipVersion(), p.protocol(), b, p.srcOffset(), p.srcPort(), p.dstOffset(), p.dstPort(),
                p.addressLength());
    }

    private static byte[] canonical(int ipVersion, int protocol, byte[] b, int srcOff, int srcPort, int dstOff,
                                    int dstPort, int len) {
        int c = Arrays.compareUnsigned(b, srcOff, srcOff + len, b, dstOff, dstOff + len);
        boolean srcIsA = c < 0 || (c == 0 && srcPort <= dstPort);
        byte[] out = new byte[3 + 2 * (len + 2)];
        out[0] = FlowKeySerde.VERSION;
        out[1] = (byte) ipVersion;
        out[2] = (byte) protocol;
        int aOff = srcIsA ? srcOff : dstOff;
        int bOff = srcIsA ? dstOff : srcOff;
        int aPort = srcIsA ? srcPort : dstPort;
        int bPort = srcIsA ? dstPort : srcPort;
        System.arraycopy(b, aOff, out, 3, len);
        out[3 + len] = (byte) (aPort >>> 8);
        out[4 + len] = (byte) aPort;
        System.arraycopy(b, bOff, out, 5 + len, len);
        out[5 + 2 * len] = (byte) (bPort >>> 8);
        out[6 + 2 * len] = (byte) bPort;
        return out;
    }
}
