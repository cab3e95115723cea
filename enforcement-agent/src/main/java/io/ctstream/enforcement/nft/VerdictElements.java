package io.ctstream.enforcement.nft;

import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictMatch;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Which set element a verdict's match denotes. Pure: it checks the shape of the match (address
 * lengths, port range) and throws {@link IllegalArgumentException} for a malformed one; whether the
 * match is too broad is the gate's business.
 *
 * <ul>
 *   <li>ALLOW with a source: {@code allowN { src[/len] . dst . proto . port }}; without: {@code
 *       allowN_anysrc { dst . proto . port }}
 *   <li>BLOCK with a destination: {@code blockN { src[/len] . dst . proto . port }} (port 0 →
 *       {@code 0-65535}); without: {@code blockN_src { src[/len] }} (everything from the source)
 *   <li>REVOKE: every element the same match denotes under ALLOW and BLOCK.
 * </ul>
 */
public final class VerdictElements {
    private VerdictElements() {}

    public static List<NftElement> of(VerdictAction action, VerdictMatch m) {
        return switch (action) {
            case ALLOW -> List.of(allow(m));
            case BLOCK -> List.of(block(m));
            case REVOKE -> {
                List<NftElement> all = new ArrayList<>(2);
                if (m.getDst() != null && m.getDstPort() != 0) {
                    all.add(allow(m));
                }
                if (m.getSrc() != null && (m.getDst() != null || m.getDstPort() == 0)) {
                    all.add(block(m));
                }
                if (all.isEmpty()) {
                    throw new IllegalArgumentException(
                            "REVOKE match denotes no element (needs a destination and port, or a source)");
                }
                yield all;
            }
        };
    }

    static NftElement allow(VerdictMatch m) {
        int v = version(m);
        if (m.getDst() == null) {
            throw new IllegalArgumentException("ALLOW needs a destination address");
        }
        String dst = address(m.getDst(), v, -1, "dst");
        String tail = " . " + protocol(m) + " . " + port(m.getDstPort(), false);
        if (m.getSrc() == null) {
            return new NftElement(v == 4 ? NftSet.ALLOW4_ANYSRC : NftSet.ALLOW6_ANYSRC, dst + tail);
        }
        String src = address(m.getSrc(), v, m.getSrcPrefixLength(), "src");
        return new NftElement(v == 4 ? NftSet.ALLOW4 : NftSet.ALLOW6, src + " . " + dst + tail);
    }

    static NftElement block(VerdictMatch m) {
        int v = version(m);
        if (m.getSrc() == null) {
            throw new IllegalArgumentException("BLOCK needs a source address");
        }
        String src = address(m.getSrc(), v, m.getSrcPrefixLength(), "src");
        if (m.getDst() == null) {
            if (m.getDstPort() != 0) {
                throw new IllegalArgumentException(
                        "BLOCK without a destination must have port 0 (it blocks the source everywhere)");
            }
            return new NftElement(v == 4 ? NftSet.BLOCK4_SRC : NftSet.BLOCK6_SRC, src);
        }
        String dst = address(m.getDst(), v, -1, "dst");
        return new NftElement(
                v == 4 ? NftSet.BLOCK4 : NftSet.BLOCK6,
                src + " . " + dst + " . " + protocol(m) + " . " + port(m.getDstPort(), true));
    }

    private static int version(VerdictMatch m) {
        if (m.getIpVersion() != 4 && m.getIpVersion() != 6) {
            throw new IllegalArgumentException("ipVersion must be 4 or 6: " + m.getIpVersion());
        }
        return m.getIpVersion();
    }

    private static int protocol(VerdictMatch m) {
        if (m.getProtocol() < 0 || m.getProtocol() > 255) {
            throw new IllegalArgumentException("protocol must be 0-255: " + m.getProtocol());
        }
        return m.getProtocol();
    }

    private static String port(int port, boolean zeroIsAll) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        if (port == 0) {
            if (!zeroIsAll) {
                throw new IllegalArgumentException("ALLOW needs a destination port");
            }
            return "0-65535";
        }
        return Integer.toString(port);
    }

    /**
     * Canonical text of an address, as a network/len when {@code prefixLength} is shorter than the
     * address.
     */
    static String address(ByteBuffer buf, int version, int prefixLength, String what) {
        ByteBuffer d = buf.duplicate();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        int len = version == 4 ? 4 : 16;
        if (b.length != len) {
            throw new IllegalArgumentException(
                    what
                            + " of an IPv"
                            + version
                            + " match has "
                            + b.length
                            + " bytes, not "
                            + len);
        }
        int bits = len * 8;
        if (prefixLength < -1 || prefixLength > bits || prefixLength == 0) {
            throw new IllegalArgumentException(
                    what + " prefix length must be 1-" + bits + " or -1: " + prefixLength);
        }
        int p = prefixLength == -1 ? bits : prefixLength;
        for (int i = 0; i < len; i++) { // the network address: nft rejects host bits in a prefix
            int keep = Math.max(0, Math.min(8, p - i * 8));
            b[i] &= (byte) (0xff00 >> keep);
        }
        return canonical(b) + (p == bits ? "" : "/" + p);
    }

    static String canonical(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address length " + address.length, e);
        }
    }
}
