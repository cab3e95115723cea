package io.ctstream.streams.helper;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One direction of a connection (the kernel's nf_conntrack_tuple), as the helpers need it. Plain
 * Java on purpose: the helpers are pure functions and know nothing of Avro or Kafka.
 */
public record ConnTuple(
        int ipVersion, int protocol, InetAddress src, int srcPort, InetAddress dst, int dstPort) {

    public ConnTuple {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        if (ipVersion != 4 && ipVersion != 6) {
            throw new IllegalArgumentException("ipVersion must be 4 or 6: " + ipVersion);
        }
        if (Addresses.ipVersion(src) != ipVersion || Addresses.ipVersion(dst) != ipVersion) {
            throw new IllegalArgumentException(
                    "addresses do not match ipVersion " + ipVersion + ": " + src + " " + dst);
        }
    }

    /** A TCP tuple. */
    public static ConnTuple tcp(InetAddress src, int srcPort, InetAddress dst, int dstPort) {
        return new ConnTuple(Addresses.ipVersion(src), 6, src, srcPort, dst, dstPort);
    }

    /** The same connection seen from the other side (the reply tuple when there is no NAT). */
    public ConnTuple inverse() {
        return new ConnTuple(ipVersion, protocol, dst, dstPort, src, srcPort);
    }

    @Override
    public String toString() {
        return Addresses.format(src)
                + ":"
                + srcPort
                + " -> "
                + Addresses.format(dst)
                + ":"
                + dstPort;
    }
}
