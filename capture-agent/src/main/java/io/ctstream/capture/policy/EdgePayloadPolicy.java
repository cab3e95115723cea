package io.ctstream.capture.policy;

import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.schemas.IpProtocol;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Decides how much payload leaves the sensor: only TCP to or from a TCP helper port (FTP 21, IRC
 * 6667 by default) and UDP to or from a UDP helper port (TFTP 69) keeps its payload, cut to a cap;
 * everything else travels as headers only (the record still carries the original payload length).
 * Kafka volume then follows what the helpers need, not the raw traffic.
 */
public final class EdgePayloadPolicy {
    public static final List<Integer> DEFAULT_HELPER_PORTS = List.of(21, 6667);
    public static final List<Integer> DEFAULT_UDP_HELPER_PORTS = List.of(69);
    public static final int DEFAULT_CAP = 4096;

    private final boolean[] helperPort = new boolean[65536];
    private final boolean[] udpHelperPort = new boolean[65536];
    private final int cap;

    /** TCP helper ports as given, the default UDP helper ports. */
    public EdgePayloadPolicy(Collection<Integer> helperPorts, int cap) {
        this(helperPorts, DEFAULT_UDP_HELPER_PORTS, cap);
    }

    public EdgePayloadPolicy(
            Collection<Integer> helperPorts, Collection<Integer> udpHelperPorts, int cap) {
        if (cap < 0) {
            throw new IllegalArgumentException("payload cap must be >= 0, got " + cap);
        }
        mark(helperPorts, helperPort);
        mark(udpHelperPorts, udpHelperPort);
        this.cap = cap;
    }

    private static void mark(Collection<Integer> ports, boolean[] into) {
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("helper port out of range 1..65535: " + port);
            }
            into[port] = true;
        }
    }

    public static EdgePayloadPolicy defaults() {
        return new EdgePayloadPolicy(DEFAULT_HELPER_PORTS, DEFAULT_UDP_HELPER_PORTS, DEFAULT_CAP);
    }

    public int cap() {
        return cap;
    }

    public boolean isHelperPort(int port) {
        return port >= 0 && port < helperPort.length && helperPort[port];
    }

    /**
     * How many payload bytes of this packet to keep: 0, or up to the cap for helper-port TCP or
     * UDP.
     */
    public int keepBytes(DecodedPacket p) {
        return keepBytes(
                p.protocol(), p.srcPort(), p.dstPort(), p.laterFragment(), p.payloadCaptured());
    }

    /**
     * @param laterFragment a non-first IP fragment carries no ports, so it is never kept
     */
    public int keepBytes(
            int protocol, int srcPort, int dstPort, boolean laterFragment, int payloadCaptured) {
        boolean[] ports =
                protocol == IpProtocol.TCP
                        ? helperPort
                        : protocol == IpProtocol.UDP ? udpHelperPort : null;
        if (ports == null
                || laterFragment
                || !(ports[srcPort & 0xffff] || ports[dstPort & 0xffff])) {
            return 0;
        }
        return Math.min(cap, payloadCaptured);
    }

    @Override
    public String toString() {
        return "EdgePayloadPolicy{helperPorts="
                + Arrays.toString(list(helperPort))
                + ", udpHelperPorts="
                + Arrays.toString(list(udpHelperPort))
                + ", cap="
                + cap
                + "}";
    }

    private static int[] list(boolean[] marked) {
        int[] ports = new int[0];
        for (int i = 0; i < marked.length; i++) {
            if (marked[i]) {
                ports = Arrays.copyOf(ports, ports.length + 1);
                ports[ports.length - 1] = i;
            }
        }
        return ports;
    }
}
