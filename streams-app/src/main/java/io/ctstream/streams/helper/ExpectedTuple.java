package io.ctstream.streams.helper;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The tuple an expectation waits for, in the original direction of the expected connection. A null
 * {@code src} or {@code srcPort} is a wildcard, as the kernel's zero mask: FTP pins the source
 * address and wildcards the source port, IRC DCC wildcards both, TFTP (UDP) pins the server's
 * address only. Maps 1:1 to {@code io.ctstream.avro.ExpectedTuple}.
 */
public record ExpectedTuple(
        int ipVersion,
        int protocol,
        InetAddress src,
        Integer srcPort,
        InetAddress dst,
        int dstPort) {

    public ExpectedTuple {
        Objects.requireNonNull(dst, "dst");
        if (dstPort < 1 || dstPort > 65535) {
            throw new IllegalArgumentException(
                    "expected destination port out of range: " + dstPort);
        }
    }

    /** A TCP expectation. */
    public static ExpectedTuple tcp(InetAddress src, InetAddress dst, int dstPort) {
        return new ExpectedTuple(Addresses.ipVersion(dst), 6, src, null, dst, dstPort);
    }

    /** A UDP expectation. */
    public static ExpectedTuple udp(InetAddress src, InetAddress dst, int dstPort) {
        return new ExpectedTuple(Addresses.ipVersion(dst), 17, src, null, dst, dstPort);
    }

    /** True when a connection with this original tuple fulfils the expectation. */
    public boolean matches(ConnTuple orig) {
        return orig.ipVersion() == ipVersion
                && orig.protocol() == protocol
                && (src == null || src.equals(orig.src()))
                && (srcPort == null || srcPort == orig.srcPort())
                && dst.equals(orig.dst())
                && dstPort == orig.dstPort();
    }

    @Override
    public String toString() {
        return Addresses.format(src)
                + ":"
                + (srcPort == null ? "*" : srcPort)
                + " -> "
                + Addresses.format(dst)
                + ":"
                + dstPort;
    }
}
