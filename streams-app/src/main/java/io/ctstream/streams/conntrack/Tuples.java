package io.ctstream.streams.conntrack;

import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Tuple;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Pure functions over {@link Tuple}s: build from a packet, invert, compare, print. */
public final class Tuples {

    private Tuples() {}

    /**
     * The packet's own tuple, as it travels (ICMP echo: the identifier in both port fields, as the
     * capture agent sets it).
     */
    public static Tuple of(PacketRecord p) {
        return new Tuple(
                p.getIpVersion(),
                p.getProtocol(),
                copy(p.getSrc()),
                p.getSrcPort(),
                copy(p.getDst()),
                p.getDstPort());
    }

    /**
     * The tuple of the opposite direction (the kernel's nf_ct_invert_tuple; ICMP ids stay in place
     * since both are equal).
     */
    public static Tuple invert(Tuple t) {
        return new Tuple(
                t.getIpVersion(),
                t.getProtocol(),
                copy(t.getDst()),
                t.getDstPort(),
                copy(t.getSrc()),
                t.getSrcPort());
    }

    /** Field-wise equality that ignores ByteBuffer positions. */
    public static boolean same(Tuple a, Tuple b) {
        return a.getIpVersion() == b.getIpVersion()
                && a.getProtocol() == b.getProtocol()
                && a.getSrcPort() == b.getSrcPort()
                && a.getDstPort() == b.getDstPort()
                && sameBytes(a.getSrc(), b.getSrc())
                && sameBytes(a.getDst(), b.getDst());
    }

    /**
     * Whether packet {@code p} travels as tuple {@code t} (what {@code same(of(p), t)} says,
     * without building it).
     */
    public static boolean travelsAs(PacketRecord p, Tuple t) {
        return p.getIpVersion() == t.getIpVersion()
                && p.getProtocol() == t.getProtocol()
                && p.getSrcPort() == t.getSrcPort()
                && p.getDstPort() == t.getDstPort()
                && sameBytes(p.getSrc(), t.getSrc())
                && sameBytes(p.getDst(), t.getDst());
    }

    /**
     * Whether two packets belong to one flow in either direction (ports and addresses, not ICMP
     * quotes).
     */
    public static boolean sameFlow(PacketRecord a, PacketRecord b) {
        if (a.getIpVersion() != b.getIpVersion() || a.getProtocol() != b.getProtocol()) {
            return false;
        }
        boolean forward =
                a.getSrcPort() == b.getSrcPort()
                        && a.getDstPort() == b.getDstPort()
                        && sameBytes(a.getSrc(), b.getSrc())
                        && sameBytes(a.getDst(), b.getDst());
        return forward
                || a.getSrcPort() == b.getDstPort()
                        && a.getDstPort() == b.getSrcPort()
                        && sameBytes(a.getSrc(), b.getDst())
                        && sameBytes(a.getDst(), b.getSrc());
    }

    /**
     * The bytes from 0 to the limit of two buffers are equal (positions ignored, nothing copied:
     * the hot path).
     */
    static boolean sameBytes(ByteBuffer a, ByteBuffer b) {
        int n = a.limit();
        if (n != b.limit()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of a buffer from 0 to its limit, without touching its position. */
    public static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        d.rewind();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.wrap(bytes(b));
    }

    /** An address in its usual text form, or hex when it is not 4 or 16 bytes long. */
    public static String address(ByteBuffer b) {
        byte[] a = bytes(b);
        try {
            return InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException e) {
            return "0x" + HexFormat.of().formatHex(a);
        }
    }

    /** {@code proto src:sport > dst:dport}, for logs and messages. */
    public static String format(Tuple t) {
        return t.getProtocol()
                + " "
                + address(t.getSrc())
                + ":"
                + t.getSrcPort()
                + " > "
                + address(t.getDst())
                + ":"
                + t.getDstPort();
    }
}
