package io.ctstream.capture.decode;

import io.ctstream.avro.FlowKey;
import io.ctstream.schemas.FlowKeys;
import java.util.Arrays;

/**
 * The reference path the capture agent's byte-level keys ({@code FlowKeyBytes}) are checked
 * against: the packet's addresses copied out, then the {@link FlowKey} object of {@link
 * FlowKeys#of}, as the tracker builds it. An ICMP error is keyed by the flow it quotes.
 */
public final class FlowKeyOracle {
    private FlowKeyOracle() {}

    public static FlowKey of(DecodedPacket p) {
        byte[] b = p.buffer();
        if (p.hasQuoted()) {
            int len = p.quotedIpVersion() == 6 ? 16 : 4;
            return FlowKeys.of(
                    p.quotedIpVersion(),
                    p.quotedProtocol(),
                    Arrays.copyOfRange(b, p.quotedSrcOffset(), p.quotedSrcOffset() + len),
                    p.quotedSrcPort(),
                    Arrays.copyOfRange(b, p.quotedDstOffset(), p.quotedDstOffset() + len),
                    p.quotedDstPort());
        }
        int len = p.addressLength();
        return FlowKeys.of(
                p.ipVersion(),
                p.protocol(),
                Arrays.copyOfRange(b, p.srcOffset(), p.srcOffset() + len),
                p.srcPort(),
                Arrays.copyOfRange(b, p.dstOffset(), p.dstOffset() + len),
                p.dstPort());
    }
}
