package io.ctstream.enforcement.hold;

import io.ctstream.schemas.IpProtocol;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The 5-tuple of a held packet, read from its IP header (the kernel queues the network-layer
 * packet, without link header). Pure. Only what a pinhole matches on: addresses, protocol, ports.
 */
public record HeldTuple(
        int ipVersion, int protocol, byte[] src, int srcPort, byte[] dst, int dstPort) {

    /**
     * The tuple of an IPv4 or IPv6 TCP/UDP packet, or empty for anything else or a truncated
     * header.
     */
    public static Optional<HeldTuple> parse(byte[] packet, int length) {
        if (length < 1) {
            return Optional.empty();
        }
        int version = (packet[0] & 0xff) >> 4;
        int protocol;
        int l4;
        byte[] src;
        byte[] dst;
        if (version == 4) {
            if (length < 20) {
                return Optional.empty();
            }
            l4 = (packet[0] & 0x0f) * 4;
            protocol = packet[9] & 0xff;
            src = Arrays.copyOfRange(packet, 12, 16);
            dst = Arrays.copyOfRange(packet, 16, 20);
            int fragment = ((packet[6] & 0x1f) << 8) | (packet[7] & 0xff);
            if (fragment != 0) {
                return Optional.empty(); // not the first fragment: no ports
            }
        } else if (version == 6) {
            if (length < 40) {
                return Optional.empty();
            }
            l4 = 40; // extension headers are not followed: a SYN with one is not held, it falls
            // through to the policy
            protocol = packet[6] & 0xff;
            src = Arrays.copyOfRange(packet, 8, 24);
            dst = Arrays.copyOfRange(packet, 24, 40);
        } else {
            return Optional.empty();
        }
        if ((protocol != IpProtocol.TCP && protocol != IpProtocol.UDP)
                || length < l4 + 4
                || l4 < 20) {
            return Optional.empty();
        }
        int sport = ((packet[l4] & 0xff) << 8) | (packet[l4 + 1] & 0xff);
        int dport = ((packet[l4 + 2] & 0xff) << 8) | (packet[l4 + 3] & 0xff);
        return Optional.of(new HeldTuple(version, protocol, src, sport, dst, dport));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeldTuple t
                && t.ipVersion == ipVersion
                && t.protocol == protocol
                && Arrays.equals(t.src, src)
                && t.srcPort == srcPort
                && Arrays.equals(t.dst, dst)
                && t.dstPort == dstPort;
    }

    @Override
    public int hashCode() {
        return ((Arrays.hashCode(src) * 31 + Arrays.hashCode(dst)) * 31 + srcPort) * 31 + dstPort;
    }

    @Override
    public String toString() {
        return "IPv"
                + ipVersion
                + " proto "
                + protocol
                + " "
                + address(src)
                + ":"
                + srcPort
                + " -> "
                + address(dst)
                + ":"
                + dstPort;
    }

    private static String address(byte[] a) {
        try {
            return InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException e) {
            return Arrays.toString(a);
        }
    }
}
