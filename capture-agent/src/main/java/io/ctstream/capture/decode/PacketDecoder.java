package io.ctstream.capture.decode;

import io.ctstream.schemas.IpProtocol;

/**
 * Decodes one captured frame (link layer, IPv4/IPv6, TCP/UDP/ICMP/ICMPv6) into a reused {@link
 * DecodedPacket}. A pure function over bytes: no libpcap, no allocation, and no exception for any
 * input; malformed frames return false with a {@link RejectReason}, counted in {@link #counters()}.
 * One decoder per thread.
 */
public final class PacketDecoder {
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERTYPE_QINQ = 0x88A8;
    static final int ETHERTYPE_QINQ_OLD = 0x9100;

    private static final int IPV6_HOPOPTS = 0;
    private static final int IPV6_ROUTING = 43;
    private static final int IPV6_FRAGMENT = 44;
    private static final int IPV6_ESP = 50;
    private static final int IPV6_AH = 51;
    private static final int IPV6_NONE = 59;
    private static final int IPV6_DSTOPTS = 60;

    private static final int TCP_SYN = 0x02;

    private final DecodeCounters counters = new DecodeCounters();

    public DecodeCounters counters() {
        return counters;
    }

    /**
     * Decodes {@code frame[0, capturedLength)}.
     *
     * @param linkType the frame's LINKTYPE_ value
     * @param frame the captured bytes
     * @param capturedLength bytes of {@code frame} that were captured
     * @param originalLength the frame's length on the wire (≥ capturedLength; snaplen may cut)
     * @param out filled on success; on failure only {@link DecodedPacket#reject()} is meaningful
     * @return true when {@code out} holds an IP packet
     */
    public boolean decode(
            int linkType, byte[] frame, int capturedLength, int originalLength, DecodedPacket out) {
        out.reset(frame);
        int cap = Math.max(0, Math.min(capturedLength, frame.length));
        int orig = Math.max(originalLength, cap);
        RejectReason r = decodeLink(linkType, frame, cap, orig, out);
        if (r != null) {
            out.reject = r;
            counters.countRejected(r);
            return false;
        }
        counters.countDecoded(out.fragment);
        return true;
    }

    private static RejectReason decodeLink(
            int linkType, byte[] b, int cap, int orig, DecodedPacket out) {
        int off;
        int etherType;
        switch (linkType) {
            case LinkType.ETHERNET:
                if (cap < 14) {
                    return RejectReason.TRUNCATED_LINK_HEADER;
                }
                off = 12;
                break;
            case LinkType.LINUX_SLL:
                if (cap < 16) {
                    return RejectReason.TRUNCATED_LINK_HEADER;
                }
                off = 14;
                break;
            case LinkType.LINUX_SLL2:
                if (cap < 20) {
                    return RejectReason.TRUNCATED_LINK_HEADER;
                }
                etherType = u16(b, 0);
                return decodeEtherPayload(etherType, b, 20, cap, orig - 20, out);
            case LinkType.RAW_BSD:
            case LinkType.RAW_OPENBSD:
            case LinkType.RAW:
                if (cap < 1) {
                    return RejectReason.TRUNCATED_IP_HEADER;
                }
                int v = (b[0] & 0xff) >>> 4;
                if (v == 4) {
                    return decodeIpv4(b, 0, cap, orig, out);
                } else if (v == 6) {
                    return decodeIpv6(b, 0, cap, orig, out);
                }
                return RejectReason.BAD_IP_VERSION;
            case LinkType.IPV4:
                return decodeIpv4(b, 0, cap, orig, out);
            case LinkType.IPV6:
                return decodeIpv6(b, 0, cap, orig, out);
            case LinkType.NULL:
            case LinkType.LOOP:
                if (cap < 4) {
                    return RejectReason.TRUNCATED_LINK_HEADER;
                }
                return decodeAddressFamily(loopbackFamily(linkType, b), b, 4, cap, orig, out);
            case LinkType.IPNET:
                if (cap < 24) {
                    return RejectReason.TRUNCATED_LINK_HEADER;
                }
                // dl_ipnetinfo: version, family (Solaris AF_INET 2, AF_INET6 26), then 22 bytes we
                // do not need
                int family = b[1] & 0xff;
                return family == 2
                        ? decodeIpv4(b, 24, cap, orig, out)
                        : family == 26
                                ? decodeIpv6(b, 24, cap, orig, out)
                                : RejectReason.UNKNOWN_ETHERTYPE;
            case LinkType.PPP:
            case LinkType.PPP_HDLC:
            case LinkType.C_HDLC:
                return decodeHdlcOrPpp(b, cap, orig, out);
            default:
                return RejectReason.UNSUPPORTED_LINK_TYPE;
        }
        // Ethernet and SLL v1: the ethertype sits just before the payload; VLAN tags may follow.
        etherType = u16(b, off);
        off += 2;
        return decodeEtherPayload(etherType, b, off, cap, orig - off, out);
    }

    /**
     * The address family of a BSD loopback header. LOOP writes it in network byte order; NULL in
     * the byte order of the host that captured, which the file does not say, so (as tcpdump and
     * Wireshark do) a value with its low 16 bits zero is taken as written the other way: every
     * address family is below 65536.
     */
    private static int loopbackFamily(int linkType, byte[] b) {
        int big = (int) u32(b, 0);
        if (linkType == LinkType.LOOP) {
            return big;
        }
        return (big & 0xffff) == 0 ? Integer.reverseBytes(big) : big;
    }

    /**
     * AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly) or
     * 30 (macOS).
     */
    private static RejectReason decodeAddressFamily(
            int family, byte[] b, int off, int cap, int orig, DecodedPacket out) {
        switch (family) {
            case 2:
                return decodeIpv4(b, off, cap, orig, out);
            case 24:
            case 28:
            case 30:
                return decodeIpv6(b, off, cap, orig, out);
            default:
                return RejectReason.UNKNOWN_ETHERTYPE;
        }
    }

    /**
     * PPP (RFC 1661; the 0xFF 0x03 of RFC 1662's HDLC-like framing optional, the protocol field 1
     * byte when compressed: an odd first byte) and Cisco HDLC (address 0x0F or 0x8F, control 0x00,
     * then an ethertype), which LINKTYPE_PPP_HDLC may also hold.
     */
    private static RejectReason decodeHdlcOrPpp(byte[] b, int cap, int orig, DecodedPacket out) {
        if (cap < 2) {
            return RejectReason.TRUNCATED_LINK_HEADER;
        }
        int first = b[0] & 0xff;
        if ((first == 0x0f || first == 0x8f) && (b[1] & 0xff) == 0) {
            if (cap < 4) {
                return RejectReason.TRUNCATED_LINK_HEADER;
            }
            return decodeEtherPayload(u16(b, 2), b, 4, cap, orig - 4, out);
        }
        int off = first == 0xff && (b[1] & 0xff) == 0x03 ? 2 : 0;
        if (off + 1 > cap) {
            return RejectReason.TRUNCATED_LINK_HEADER;
        }
        int protocol;
        if ((b[off] & 1) != 0) {
            protocol = b[off] & 0xff;
            off += 1;
        } else {
            if (off + 2 > cap) {
                return RejectReason.TRUNCATED_LINK_HEADER;
            }
            protocol = u16(b, off);
            off += 2;
        }
        if (protocol == 0x21) {
            return decodeIpv4(b, off, cap, orig, out);
        } else if (protocol == 0x57) {
            return decodeIpv6(b, off, cap, orig, out);
        }
        return RejectReason.UNKNOWN_ETHERTYPE;
    }

    /** Skips any 802.1Q / 802.1ad tags (4 bytes each: TCI then the inner ethertype). */
    private static RejectReason decodeEtherPayload(
            int etherType, byte[] b, int off, int cap, int origRemaining, DecodedPacket out) {
        while (etherType == ETHERTYPE_VLAN
                || etherType == ETHERTYPE_QINQ
                || etherType == ETHERTYPE_QINQ_OLD) {
            if (off + 4 > cap) {
                return RejectReason.TRUNCATED_LINK_HEADER;
            }
            etherType = u16(b, off + 2);
            off += 4;
            origRemaining -= 4;
        }
        int orig = off + Math.max(0, origRemaining);
        if (etherType == ETHERTYPE_IPV4) {
            return decodeIpv4(b, off, cap, orig, out);
        } else if (etherType == ETHERTYPE_IPV6) {
            return decodeIpv6(b, off, cap, orig, out);
        }
        return RejectReason.UNKNOWN_ETHERTYPE;
    }

    /**
     * IPv4 at {@code off}; {@code cap} is the end of the captured bytes, {@code orig} the end of
     * the frame as it was on the wire (both absolute).
     */
    private static RejectReason decodeIpv4(
            byte[] b, int off, int cap, int orig, DecodedPacket out) {
        if (off + 20 > cap) {
            return RejectReason.TRUNCATED_IP_HEADER;
        }
        if ((b[off] & 0xff) >>> 4 != 4) {
            return RejectReason.BAD_IP_VERSION;
        }
        int ihl = (b[off] & 0x0f) * 4;
        if (ihl < 20 || off + ihl > cap) {
            return RejectReason.BAD_IPV4_IHL;
        }
        int total = u16(b, off + 2);
        if (total < ihl || off + total > orig) {
            return RejectReason.BAD_IP_TOTAL_LENGTH;
        }
        out.ipVersion = 4;
        out.ipTotalLength = total;
        out.ipId = u16(b, off + 4);
        int flagsFrag = u16(b, off + 6);
        boolean moreFragments = (flagsFrag & 0x2000) != 0;
        int fragOffset = flagsFrag & 0x1fff;
        out.fragment = moreFragments || fragOffset != 0;
        out.laterFragment = fragOffset != 0;
        out.ttl = b[off + 8] & 0xff;
        out.protocol = b[off + 9] & 0xff;
        out.srcOffset = off + 12;
        out.dstOffset = off + 16;
        int l4 = off + ihl;
        int l4End = off + total;
        return decodeL4(b, l4, Math.min(cap, l4End), l4End, out);
    }

    private static RejectReason decodeIpv6(
            byte[] b, int off, int cap, int orig, DecodedPacket out) {
        if (off + 40 > cap) {
            return RejectReason.TRUNCATED_IP_HEADER;
        }
        if ((b[off] & 0xff) >>> 4 != 6) {
            return RejectReason.BAD_IP_VERSION;
        }
        int payloadLen = u16(b, off + 4);
        int total = 40 + payloadLen;
        if (off + total > orig) {
            return RejectReason.BAD_IP_TOTAL_LENGTH;
        }
        out.ipVersion = 6;
        out.ipTotalLength = total;
        out.ttl = b[off + 7] & 0xff;
        out.srcOffset = off + 8;
        out.dstOffset = off + 24;
        int l4End = off + total;
        int end = Math.min(cap, l4End);
        int next = b[off + 6] & 0xff;
        int p = off + 40;
        // Walk the extension-header chain to the layer-4 header.
        while (true) {
            if (next == IPV6_HOPOPTS || next == IPV6_ROUTING || next == IPV6_DSTOPTS) {
                if (p + 2 > end) {
                    return RejectReason.TRUNCATED_IPV6_EXTENSION;
                }
                int len = ((b[p + 1] & 0xff) + 1) * 8;
                if (p + len > end) {
                    return RejectReason.TRUNCATED_IPV6_EXTENSION;
                }
                next = b[p] & 0xff;
                p += len;
            } else if (next == IPV6_AH) {
                if (p + 2 > end) {
                    return RejectReason.TRUNCATED_IPV6_EXTENSION;
                }
                int len = ((b[p + 1] & 0xff) + 2) * 4;
                if (p + len > end) {
                    return RejectReason.TRUNCATED_IPV6_EXTENSION;
                }
                next = b[p] & 0xff;
                p += len;
            } else if (next == IPV6_FRAGMENT) {
                if (p + 8 > end) {
                    return RejectReason.TRUNCATED_IPV6_EXTENSION;
                }
                int offFlags = u16(b, p + 2);
                out.fragment = true;
                out.laterFragment = (offFlags >>> 3) != 0;
                out.ipId = (int) u32(b, p + 4);
                next = b[p] & 0xff;
                p += 8;
                if (out.laterFragment) {
                    break;
                }
            } else {
                break; // layer 4, ESP (50) or no next header (59): stop
            }
        }
        out.protocol = next;
        if (next == IPV6_ESP || next == IPV6_NONE) {
            setOpaquePayload(p, end, l4End, out);
            return null;
        }
        return decodeL4(b, p, end, l4End, out);
    }

    /**
     * Layer 4 at {@code off}: {@code end} is the end of its captured bytes, {@code l4End} the end
     * the IP length announces.
     */
    private static RejectReason decodeL4(byte[] b, int off, int end, int l4End, DecodedPacket out) {
        if (out.laterFragment) {
            setOpaquePayload(off, end, l4End, out);
            return null;
        }
        switch (out.protocol) {
            case IpProtocol.TCP:
                return decodeTcp(b, off, end, l4End, out);
            case IpProtocol.UDP:
            case IpProtocol.UDPLITE:
                return decodeUdp(b, off, end, l4End, out);
            case IpProtocol.ICMP:
                return decodeIcmp(b, off, end, l4End, out, false);
            case IpProtocol.ICMPV6:
                return decodeIcmp(b, off, end, l4End, out, true);
            case IpProtocol.SCTP:
            case IpProtocol.DCCP:
                // Ports first, like TCP/UDP; the rest stays opaque.
                if (off + 4 <= end) {
                    out.srcPort = u16(b, off);
                    out.dstPort = u16(b, off + 2);
                }
                setOpaquePayload(off, end, l4End, out);
                return null;
            default:
                setOpaquePayload(off, end, l4End, out);
                return null;
        }
    }

    private static void setOpaquePayload(int off, int end, int l4End, DecodedPacket out) {
        out.payloadOffset = off;
        out.payloadLength = Math.max(0, l4End - off);
        out.payloadCaptured = Math.max(0, Math.min(end, l4End) - off);
    }

    private static RejectReason decodeTcp(
            byte[] b, int off, int end, int l4End, DecodedPacket out) {
        if (off + 20 > end) {
            return RejectReason.TRUNCATED_TCP_HEADER;
        }
        int doff = ((b[off + 12] & 0xff) >>> 4) * 4;
        if (doff < 20 || off + doff > l4End) {
            return RejectReason.BAD_TCP_DATA_OFFSET;
        }
        if (off + doff > end) {
            return RejectReason.TRUNCATED_TCP_HEADER;
        }
        out.srcPort = u16(b, off);
        out.dstPort = u16(b, off + 2);
        out.tcpSeq = u32(b, off + 4);
        out.tcpAck = u32(b, off + 8);
        out.tcpFlags = b[off + 13] & 0xff;
        out.tcpWindow = u16(b, off + 14);
        parseTcpOptions(b, off + 20, off + doff, out);
        out.payloadOffset = off + doff;
        out.payloadLength = l4End - (off + doff);
        out.payloadCaptured = Math.max(0, end - (off + doff));
        return null;
    }

    /**
     * Window scale and SACK-permitted (recorded on SYNs only, as the kernel reads them), and the
     * highest SACK right edge in sequence space. A malformed option ends parsing, as in the
     * kernel's tcp_options(); it does not reject the packet.
     */
    private static void parseTcpOptions(byte[] b, int p, int end, DecodedPacket out) {
        boolean syn = (out.tcpFlags & TCP_SYN) != 0;
        boolean haveSack = false;
        long maxSack = 0;
        while (p < end) {
            int kind = b[p] & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                p++;
                continue;
            }
            if (p + 2 > end) {
                break;
            }
            int len = b[p + 1] & 0xff;
            if (len < 2 || p + len > end) {
                break;
            }
            if (kind == 3 && len == 3 && syn) {
                out.tcpWindowScale = Math.min(b[p + 2] & 0xff, 14);
            } else if (kind == 4 && len == 2 && syn) {
                out.tcpSackPermitted = true;
            } else if (kind == 5 && len >= 10 && (len - 2) % 8 == 0) {
                for (int q = p + 2; q + 8 <= p + len; q += 8) {
                    long right = u32(b, q + 4);
                    if (!haveSack || after(right, maxSack)) {
                        maxSack = right;
                        haveSack = true;
                    }
                }
            }
            p += len;
        }
        out.tcpMaxSack = maxSack;
    }

    /** Sequence-space comparison (the kernel's after()): a is after b modulo 2^32. */
    static boolean after(long a, long b) {
        return (int) (b - a) < 0;
    }

    private static RejectReason decodeUdp(
            byte[] b, int off, int end, int l4End, DecodedPacket out) {
        if (off + 8 > end) {
            return RejectReason.TRUNCATED_UDP_HEADER;
        }
        int udpLen = u16(b, off + 4);
        // UDP-Lite's length field is a checksum coverage; a first fragment's length spans all
        // fragments.
        if (out.protocol == IpProtocol.UDP
                && !out.fragment
                && (udpLen < 8 || off + udpLen > l4End)) {
            if (!(udpLen == 0 && out.ipVersion == 6)) { // 0 = IPv6 jumbogram
                return RejectReason.BAD_UDP_LENGTH;
            }
        }
        out.srcPort = u16(b, off);
        out.dstPort = u16(b, off + 2);
        out.payloadOffset = off + 8;
        out.payloadLength = l4End - (off + 8);
        out.payloadCaptured = Math.max(0, end - (off + 8));
        return null;
    }

    private static RejectReason decodeIcmp(
            byte[] b, int off, int end, int l4End, DecodedPacket out, boolean v6) {
        if (off + 8 > end || off + 8 > l4End) {
            return RejectReason.TRUNCATED_ICMP_HEADER;
        }
        int type = b[off] & 0xff;
        out.icmpType = type;
        out.icmpCode = b[off + 1] & 0xff;
        out.payloadOffset = off + 8;
        out.payloadLength = l4End - (off + 8);
        out.payloadCaptured = Math.max(0, end - (off + 8));
        if (v6 ? isIcmpv6Query(type) : isIcmpQuery(type)) {
            int id = u16(b, off + 4);
            out.srcPort = id;
            out.dstPort = id;
        } else if (v6 ? isIcmpv6Error(type) : isIcmpError(type)) {
            decodeQuoted(b, off + 8, end, out, v6);
        }
        return null;
    }

    /** ICMP types the kernel tracks with an identifier (echo, timestamp, info, address mask). */
    static boolean isIcmpQuery(int type) {
        return type == 0
                || type == 8
                || type == 13
                || type == 14
                || type == 15
                || type == 16
                || type == 17
                || type == 18;
    }

    static boolean isIcmpError(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /** ICMPv6 echo request/reply and node information query/response carry an identifier. */
    static boolean isIcmpv6Query(int type) {
        return type == 128 || type == 129 || type == 139 || type == 140;
    }

    static boolean isIcmpv6Error(int type) {
        return type >= 1 && type <= 4;
    }

    /**
     * The packet an ICMP error quotes: its IP header and the first 8 bytes of its layer 4, as it
     * travelled. Left undecoded (hasQuoted false) when the quote is cut or not IP of the same
     * family.
     */
    private static void decodeQuoted(byte[] b, int off, int end, DecodedPacket out, boolean v6) {
        int proto;
        int l4;
        int srcOff;
        int dstOff;
        if (!v6) {
            if (off + 20 > end || (b[off] & 0xff) >>> 4 != 4) {
                return;
            }
            int ihl = (b[off] & 0x0f) * 4;
            if (ihl < 20 || off + ihl > end) {
                return;
            }
            proto = b[off + 9] & 0xff;
            srcOff = off + 12;
            dstOff = off + 16;
            l4 = off + ihl;
            if ((u16(b, off + 6) & 0x1fff) != 0) {
                l4 = -1; // a later fragment: no ports in the quote
            }
        } else {
            if (off + 40 > end || (b[off] & 0xff) >>> 4 != 6) {
                return;
            }
            srcOff = off + 8;
            dstOff = off + 24;
            int next = b[off + 6] & 0xff;
            int p = off + 40;
            while (true) {
                if (next == IPV6_HOPOPTS
                        || next == IPV6_ROUTING
                        || next == IPV6_DSTOPTS
                        || next == IPV6_AH) {
                    if (p + 2 > end) {
                        return;
                    }
                    int len =
                            next == IPV6_AH
                                    ? ((b[p + 1] & 0xff) + 2) * 4
                                    : ((b[p + 1] & 0xff) + 1) * 8;
                    next = b[p] & 0xff;
                    p += len;
                } else if (next == IPV6_FRAGMENT) {
                    if (p + 8 > end) {
                        return;
                    }
                    boolean later = (u16(b, p + 2) >>> 3) != 0;
                    next = b[p] & 0xff;
                    p += 8;
                    if (later) {
                        p = -1;
                        break;
                    }
                } else {
                    break;
                }
            }
            proto = next;
            l4 = p;
        }
        int sp = 0;
        int dp = 0;
        if (l4 >= 0) {
            if (proto == IpProtocol.TCP
                    || proto == IpProtocol.UDP
                    || proto == IpProtocol.UDPLITE
                    || proto == IpProtocol.SCTP
                    || proto == IpProtocol.DCCP) {
                if (l4 + 4 > end) {
                    return;
                }
                sp = u16(b, l4);
                dp = u16(b, l4 + 2);
            } else if (proto == IpProtocol.ICMP || proto == IpProtocol.ICMPV6) {
                if (l4 + 8 > end) {
                    return;
                }
                int t = b[l4] & 0xff;
                if (proto == IpProtocol.ICMP ? isIcmpQuery(t) : isIcmpv6Query(t)) {
                    sp = u16(b, l4 + 4);
                    dp = sp;
                }
            }
        }
        out.hasQuoted = true;
        out.quotedIpVersion = v6 ? 6 : 4;
        out.quotedProtocol = proto;
        out.quotedSrcOffset = srcOff;
        out.quotedDstOffset = dstOff;
        out.quotedSrcPort = sp;
        out.quotedDstPort = dp;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24)
                | ((b[off + 1] & 0xff) << 16)
                | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }
}
