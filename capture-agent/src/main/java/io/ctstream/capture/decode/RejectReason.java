package io.ctstream.capture.decode;

/**
 * Why a frame was not turned into a packet record. Every rejection is counted under one of these.
 */
public enum RejectReason {
    /** The frame's link type is not one the decoder reads. */
    UNSUPPORTED_LINK_TYPE,
    /** The frame is shorter than its link-layer header (or a VLAN tag). */
    TRUNCATED_LINK_HEADER,
    /**
     * The link layer carries something other than IPv4/IPv6 (ARP, LLDP, 802.3 length frames..., a
     * loopback or IPNET address family or a PPP protocol other than IPv4's and IPv6's).
     */
    UNKNOWN_ETHERTYPE,
    /** The IP version nibble is neither 4 nor 6, or differs from what the link layer announced. */
    BAD_IP_VERSION,
    /** Fewer bytes than the fixed IPv4 (20) or IPv6 (40) header. */
    TRUNCATED_IP_HEADER,
    /** IPv4 header length below 5 words or beyond the captured bytes. */
    BAD_IPV4_IHL,
    /** IP total length below the header length, or above the frame's original length. */
    BAD_IP_TOTAL_LENGTH,
    /** An IPv6 extension header runs past the packet. */
    TRUNCATED_IPV6_EXTENSION,
    /** Fewer bytes than the TCP header announces. */
    TRUNCATED_TCP_HEADER,
    /** TCP data offset below 5 words or beyond the IP payload. */
    BAD_TCP_DATA_OFFSET,
    /** Fewer than 8 bytes of UDP header. */
    TRUNCATED_UDP_HEADER,
    /** UDP length field below 8 or above the IP payload. */
    BAD_UDP_LENGTH,
    /** Fewer than the 8 bytes of an ICMP/ICMPv6 header. */
    TRUNCATED_ICMP_HEADER
}
