package io.ctstream.capture.decode;

/**
 * The link-layer header types (tcpdump.org LINKTYPE_ values, as written in pcap and pcapng files
 * and returned by libpcap's {@code pcap_datalink}) that the decoder understands.
 */
public final class LinkType {
    /** LINKTYPE_ETHERNET (DLT_EN10MB). */
    public static final int ETHERNET = 1;
    /** DLT_RAW as some BSDs number it in live captures. */
    public static final int RAW_BSD = 12;
    /** DLT_RAW on OpenBSD. */
    public static final int RAW_OPENBSD = 14;
    /** LINKTYPE_RAW: the frame starts with an IPv4 or IPv6 header. */
    public static final int RAW = 101;
    /** LINKTYPE_LINUX_SLL: Linux cooked capture v1 (the {@code any} device). */
    public static final int LINUX_SLL = 113;
    /** LINKTYPE_IPV4: raw IPv4 only. */
    public static final int IPV4 = 228;
    /** LINKTYPE_IPV6: raw IPv6 only. */
    public static final int IPV6 = 229;
    /** LINKTYPE_LINUX_SLL2: Linux cooked capture v2. */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    public static boolean isSupported(int linkType) {
        switch (linkType) {
            case ETHERNET: case RAW_BSD: case RAW_OPENBSD: case RAW: case LINUX_SLL: case IPV4: case IPV6: case LINUX_SLL2:
                return true;
            default:
                return false;
        }
    }

    /** A readable name for messages. */
    public static String name(int linkType) {
        switch (linkType) {
            case ETHERNET: return "ETHERNET";
            case RAW_BSD: case RAW_OPENBSD: case RAW: return "RAW";
            case LINUX_SLL: return "LINUX_SLL";
            case IPV4: return "IPV4";
            case IPV6: return "IPV6";
            case LINUX_SLL2: return "LINUX_SLL2";
            default: return "LINKTYPE_" + linkType;
        }
    }

    /** Throws a clear error for a link type the decoder cannot read. */
    public static void requireSupported(int linkType, String where) {
        if (!isSupported(linkType)) {
            throw new UnsupportedLinkTypeException(linkType, where);
        }
    }
}
