package io.ctstream.enforcement.hold;

import io.ctstream.avro.VerdictMatch;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What an applied ALLOW lets through, as the nft allow sets match it: IP version, protocol,
 * destination address and port exactly, the source address within its prefix (or any source). Pure.
 */
public record PinholeMatch(
        int ipVersion, int protocol, byte[] src, int srcPrefixLength, byte[] dst, int dstPort) {

    public static PinholeMatch of(VerdictMatch m) {
        return new PinholeMatch(
                m.getIpVersion(),
                m.getProtocol(),
                m.getSrc() == null ? null : bytes(m.getSrc()),
                m.getSrcPrefixLength(),
                bytes(m.getDst()),
                m.getDstPort());
    }

    public boolean admits(HeldTuple t) {
        return t.ipVersion() == ipVersion
                && t.protocol() == protocol
                && t.dstPort() == dstPort
                && Arrays.equals(t.dst(), dst)
                && (src == null || inPrefix(t.src()));
    }

    public boolean sameAs(PinholeMatch o) {
        return o.ipVersion == ipVersion
                && o.protocol == protocol
                && o.dstPort == dstPort
                && Arrays.equals(o.dst, dst)
                && Arrays.equals(o.src, src)
                && (src == null || prefix() == o.prefix());
    }

    private int prefix() {
        return srcPrefixLength < 0 ? src.length * 8 : srcPrefixLength;
    }

    private boolean inPrefix(byte[] address) {
        if (address.length != src.length) {
            return false;
        }
        int bits = prefix();
        for (int i = 0; i < src.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff00 >> bits) & 0xff;
            if ((address[i] & mask) != (src[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
