package io.ctstream.capture.decode;

/**
 * The link-layer header types (tcpdump.org LINKTYPE_ values, as written in pcap and pcapng files
 * and returned by libpcap's {@code pcap_datalink}) that the decoder understands.
 *
 * <p>Beyond Ethernet, Linux cooked and raw IP, the ones chosen are those whose header ends in a
 * field that names IPv4 or IPv6 at a fixed place, so each costs a few lines: BSD/macOS loopback
 * (NULL, LOOP), PPP with and without HDLC framing, Cisco HDLC and Solaris IPNET. Not read: 802.11
 * (radiotap plus variable 802.11 headers and encryption), NFLOG (a TLV walk; Linux has the "any"
 * device instead).
 */
public final class LinkType {
    /**
     * LINKTYPE_NULL (DLT_NULL): BSD loopback, a 4-byte address family in the capturing host's byte
     * order.
     */
    public static final int NULL = 0;

    /** LINKTYPE_ETHERNET (DLT_EN10MB). */
    public static final int ETHERNET = 1;

    /**
     * LINKTYPE_PPP: an optional 0xFF 0x03 address/control pair, then the PPP protocol (1 or 2
     * bytes).
     */
    public static final int PPP = 9;

    /** DLT_RAW as some BSDs number it in live captures. */
    public static final int RAW_BSD = 12;

    /** DLT_RAW on OpenBSD. */
    public static final int RAW_OPENBSD = 14;

    /**
     * LINKTYPE_PPP_HDLC: PPP in HDLC-like framing (0xFF 0x03, 2-byte protocol), or Cisco HDLC
     * framing.
     */
    public static final int PPP_HDLC = 50;

    /** LINKTYPE_RAW: the frame starts with an IPv4 or IPv6 header. */
    public static final int RAW = 101;

    /** LINKTYPE_C_HDLC: Cisco HDLC, address 0x0F or 0x8F, control 0x00, then an ethertype. */
    public static final int C_HDLC = 104;

    /**
     * LINKTYPE_LOOP (DLT_LOOP, OpenBSD loopback): as NULL, but the address family in network byte
     * order.
     */
    public static final int LOOP = 108;

    /** LINKTYPE_LINUX_SLL: Linux cooked capture v1 (the {@code any} device). */
    public static final int LINUX_SLL = 113;

    /** LINKTYPE_IPNET: Solaris ipnet, a 24-byte header whose second byte is the address family. */
    public static final int IPNET = 226;

    /** LINKTYPE_IPV4: raw IPv4 only. */
    public static final int IPV4 = 228;

    /** LINKTYPE_IPV6: raw IPv6 only. */
    public static final int IPV6 = 229;

    /** LINKTYPE_LINUX_SLL2: Linux cooked capture v2. */
    public static final int LINUX_SLL2 = 276;

    /** What {@link UnsupportedLinkTypeException} and the README list as readable. */
    static final String SUPPORTED =
            "Ethernet (1, with 802.1Q/802.1ad tags), BSD loopback NULL (0) and LOOP (108), "
                    + "PPP (9), PPP in HDLC framing (50), Cisco HDLC (104), Linux cooked v1 (113) and v2 (276), "
                    + "raw IP (12, 14, 101), Solaris IPNET (226), raw IPv4 (228), raw IPv6 (229)";

    private LinkType() {}

    public static boolean isSupported(int linkType) {
        switch (linkType) {
            case NULL:
            case ETHERNET:
            case PPP:
            case RAW_BSD:
            case RAW_OPENBSD:
            case PPP_HDLC:
            case RAW:
            case C_HDLC:
            case LOOP:
            case LINUX_SLL:
            case IPNET:
            case IPV4:
            case IPV6:
            case LINUX_SLL2:
                return true;
            default:
                return false;
        }
    }

    /** A readable name for messages. */
    public static String name(int linkType) {
        switch (linkType) {
            case NULL:
                return "NULL";
            case ETHERNET:
                return "ETHERNET";
            case PPP:
                return "PPP";
            case PPP_HDLC:
                return "PPP_HDLC";
            case C_HDLC:
                return "C_HDLC";
            case LOOP:
                return "LOOP";
            case RAW_BSD:
            case RAW_OPENBSD:
            case RAW:
                return "RAW";
            case LINUX_SLL:
                return "LINUX_SLL";
            case IPNET:
                return "IPNET";
            case IPV4:
                return "IPV4";
            case IPV6:
                return "IPV6";
            case LINUX_SLL2:
                return "LINUX_SLL2";
            default:
                return "LINKTYPE_" + linkType;
        }
    }

    /** Throws a clear error for a link type the decoder cannot read. */
    public static void requireSupported(int linkType, String where) {
        if (!isSupported(linkType)) {
            throw new UnsupportedLinkTypeException(linkType, where);
        }
    }
}
