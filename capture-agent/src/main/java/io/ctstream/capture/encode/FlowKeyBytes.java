package io.ctstream.capture.encode;

import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.serde.FlowKeySerde;

/**
 * The serialized canonical flow key ({@link FlowKeySerde}'s bytes) of a decoded packet, straight
 * from the frame's bytes: which endpoints make the key is decided here (an ICMP error is keyed by
 * the flow it quotes, so it reaches that connection's partition); their order and the byte layout
 * are {@link FlowKeys#canonicalBytes}, the one implementation every component shares.
 */
public final class FlowKeyBytes {
    private FlowKeyBytes() {}

    public static byte[] of(DecodedPacket p) {
        byte[] b = p.buffer();
        if (p.hasQuoted()) {
            return FlowKeys.canonicalBytes(
                    p.quotedIpVersion(),
                    p.quotedProtocol(),
                    b,
                    p.quotedSrcOffset(),
                    p.quotedSrcPort(),
                    p.quotedDstOffset(),
                    p.quotedDstPort(),
                    p.quotedIpVersion() == 6 ? 16 : 4);
        }
        return FlowKeys.canonicalBytes(
                p.ipVersion(),
                p.protocol(),
                b,
                p.srcOffset(),
                p.srcPort(),
                p.dstOffset(),
                p.dstPort(),
                p.addressLength());
    }
}
