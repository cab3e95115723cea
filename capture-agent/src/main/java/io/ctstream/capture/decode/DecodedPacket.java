package io.ctstream.capture.decode;

/**
 * The headers of one decoded frame. Mutable and reused from packet to packet so decoding allocates
 * nothing: addresses and the payload are offsets into the frame's byte array, which stays owned by
 * the caller and is only valid until the next frame is read into it.
 */
public final class DecodedPacket {
    /** No ICMP type/code: the packet is not ICMP. */
    public static final int NO_ICMP = -1;

    byte[] buf;
    int ipVersion;
    int srcOffset;
    int dstOffset;
    int protocol;
    int ipTotalLength;
    int ipId;
    int ttl;
    boolean fragment;
    boolean laterFragment;
    int srcPort;
    int dstPort;
    int tcpFlags;
    long tcpSeq;
    long tcpAck;
    int tcpWindow;
    int tcpWindowScale;
    boolean tcpSackPermitted;
    long tcpMaxSack;
    int icmpType;
    int icmpCode;
    boolean hasQuoted;
    int quotedIpVersion;
    int quotedProtocol;
    int quotedSrcOffset;
    int quotedDstOffset;
    int quotedSrcPort;
    int quotedDstPort;
    int payloadOffset;
    int payloadLength;
    int payloadCaptured;
    RejectReason reject;

    void reset(byte[] frame) {
        buf = frame;
        ipVersion = 0;
        srcOffset = 0;
        dstOffset = 0;
        protocol = 0;
        ipTotalLength = 0;
        ipId = 0;
        ttl = 0;
        fragment = false;
        laterFragment = false;
        srcPort = 0;
        dstPort = 0;
        tcpFlags = 0;
        tcpSeq = 0;
        tcpAck = 0;
        tcpWindow = 0;
        tcpWindowScale = -1;
        tcpSackPermitted = false;
        tcpMaxSack = 0;
        icmpType = NO_ICMP;
        icmpCode = NO_ICMP;
        hasQuoted = false;
        quotedIpVersion = 0;
        quotedProtocol = 0;
        quotedSrcOffset = 0;
        quotedDstOffset = 0;
        quotedSrcPort = 0;
        quotedDstPort = 0;
        payloadOffset = 0;
        payloadLength = 0;
        payloadCaptured = 0;
        reject = null;
    }

    /** The frame bytes the offsets point into. */
    public byte[] buffer() {
        return buf;
    }

    public int ipVersion() {
        return ipVersion;
    }

    /** 4 for IPv4, 16 for IPv6. */
    public int addressLength() {
        return ipVersion == 6 ? 16 : 4;
    }

    public int srcOffset() {
        return srcOffset;
    }

    public int dstOffset() {
        return dstOffset;
    }

    public int protocol() {
        return protocol;
    }

    public int ipTotalLength() {
        return ipTotalLength;
    }

    public int ipId() {
        return ipId;
    }

    public int ttl() {
        return ttl;
    }

    /** True for any IP fragment, the first one included. */
    public boolean fragment() {
        return fragment;
    }

    /** True for a fragment other than the first: it carries no layer-4 header. */
    public boolean laterFragment() {
        return laterFragment;
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    public int tcpFlags() {
        return tcpFlags;
    }

    public long tcpSeq() {
        return tcpSeq;
    }

    public long tcpAck() {
        return tcpAck;
    }

    public int tcpWindow() {
        return tcpWindow;
    }

    public int tcpWindowScale() {
        return tcpWindowScale;
    }

    public boolean tcpSackPermitted() {
        return tcpSackPermitted;
    }

    public long tcpMaxSack() {
        return tcpMaxSack;
    }

    /** ICMP/ICMPv6 type, or {@link #NO_ICMP}. */
    public int icmpType() {
        return icmpType;
    }

    public int icmpCode() {
        return icmpCode;
    }

    /** True when this is an ICMP error whose quoted packet header was decoded. */
    public boolean hasQuoted() {
        return hasQuoted;
    }

    public int quotedIpVersion() {
        return quotedIpVersion;
    }

    public int quotedProtocol() {
        return quotedProtocol;
    }

    public int quotedSrcOffset() {
        return quotedSrcOffset;
    }

    public int quotedDstOffset() {
        return quotedDstOffset;
    }

    public int quotedSrcPort() {
        return quotedSrcPort;
    }

    public int quotedDstPort() {
        return quotedDstPort;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    /** Original layer-4 payload length (from the IP lengths), whatever was captured. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Payload bytes actually present in the frame (less than the length when snaplen cut it). */
    public int payloadCaptured() {
        return payloadCaptured;
    }

    /** Why the last decode failed, or null after a success. */
    public RejectReason reject() {
        return reject;
    }
}
