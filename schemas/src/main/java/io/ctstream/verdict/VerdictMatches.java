package io.ctstream.verdict;

import io.ctstream.avro.VerdictMatch;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * A verdict's match as people read it, the same in the CLI's audit records and in streams-app's.
 */
public final class VerdictMatches {
    private VerdictMatches() {}

    /** "tcp 203.0.113.9 -> 10.0.0.5 port 443"; "*" for what the match leaves open. */
    public static String describe(VerdictMatch m) {
        String proto =
                switch (m.getProtocol()) {
                    case 6 -> "tcp";
                    case 17 -> "udp";
                    case 33 -> "dccp";
                    case 132 -> "sctp";
                    default -> Integer.toString(m.getProtocol());
                };
        String src =
                m.getSrc() == null
                        ? "*"
                        : address(m.getSrc())
                                + (m.getSrcPrefixLength() == -1
                                        ? ""
                                        : "/" + m.getSrcPrefixLength());
        String dst = m.getDst() == null ? "*" : address(m.getDst());
        return proto
                + " "
                + src
                + " -> "
                + dst
                + " port "
                + (m.getDstPort() == 0 ? "*" : Integer.toString(m.getDstPort()));
    }

    private static String address(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        try {
            return InetAddress.getByAddress(a).getHostAddress(); // bytes to text: no lookup
        } catch (UnknownHostException e) {
            return "?";
        }
    }
}
