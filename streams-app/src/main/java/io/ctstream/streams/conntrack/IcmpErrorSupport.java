package io.ctstream.streams.conntrack;

import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Tuple;
import io.ctstream.schemas.IpProtocol;
import java.util.Optional;

/**
 * ICMP and ICMPv6 type knowledge of the kernel's nf_conntrack_proto_icmp.c /
 * nf_conntrack_proto_icmpv6.c, and the mapping of an ICMP error to the flow it quotes.
 */
public final class IcmpErrorSupport {

    /** How conntrack treats an ICMP message type. */
    public enum Kind {
        /**
         * An error quoting another packet (v4: unreachable, source quench, redirect, time exceeded,
         * parameter problem; v6: type < 128).
         */
        ERROR,
        /**
         * A query that may open an ICMP "connection" (echo, timestamp, info, address mask; v6 echo,
         * node information).
         */
        REQUEST,
        /** The answer to a REQUEST type; never opens a connection. */
        RESPONSE,
        /** ICMPv6 neighbour discovery and MLD: the kernel leaves these untracked. */
        UNTRACKED,
        /** Anything else: cannot open a connection (INVALID). */
        OTHER
    }

    private IcmpErrorSupport() {}

    public static boolean isIcmp(int protocol) {
        return protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6;
    }

    public static Kind kind(int protocol, int type) {
        if (protocol == IpProtocol.ICMP) {
            return switch (type) {
                case 3, 4, 5, 11, 12 -> Kind.ERROR;
                case 8, 13, 15, 17 -> Kind.REQUEST;
                case 0, 14, 16, 18 -> Kind.RESPONSE;
                default -> Kind.OTHER;
            };
        }
        if (type < 128) {
            return Kind.ERROR;
        }
        return switch (type) {
            case 128, 139 -> Kind.REQUEST;
            case 129, 140 -> Kind.RESPONSE;
            case 130, 131, 132, 133, 134, 135, 136, 143 -> Kind.UNTRACKED;
            default -> Kind.OTHER;
        };
    }

    /** The answer type of a request type (and vice versa), or -1 when the type has none. */
    public static int inverse(int protocol, int type) {
        if (protocol == IpProtocol.ICMP) {
            return switch (type) {
                case 8 -> 0;
                case 0 -> 8;
                case 13 -> 14;
                case 14 -> 13;
                case 15 -> 16;
                case 16 -> 15;
                case 17 -> 18;
                case 18 -> 17;
                default -> -1;
            };
        }
        return switch (type) {
            case 128 -> 129;
            case 129 -> 128;
            case 139 -> 140;
            case 140 -> 139;
            default -> -1;
        };
    }

    /** True when the packet is an ICMP or ICMPv6 error message. */
    public static boolean isError(PacketRecord p) {
        return isIcmp(p.getProtocol())
                && p.getIcmpType() != null
                && kind(p.getProtocol(), p.getIcmpType()) == Kind.ERROR;
    }

    /**
     * The tuple of the packet an ICMP error quotes, as that packet travelled; the topology keys the
     * error by {@code FlowKeys.of(quotedTuple)} to find the connection it is RELATED to. Empty when
     * the packet is not an ICMP error or quotes nothing usable.
     */
    public static Optional<Tuple> quotedTuple(PacketRecord p) {
        if (!isError(p) || p.getIcmpQuoted() == null) {
            return Optional.empty();
        }
        return Optional.of(p.getIcmpQuoted());
    }
}
