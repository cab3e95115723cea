package io.ctstream.schemas;

/**
 * IP protocol numbers (IANA "Assigned Internet Protocol Numbers", the kernel's {@code IPPROTO_*})
 * that ctstream names in code, so that a reader sees {@code IpProtocol.TCP} where the wire has 6.
 */
public final class IpProtocol {
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int DCCP = 33;
    public static final int ICMPV6 = 58;
    public static final int SCTP = 132;
    public static final int UDPLITE = 136;

    private IpProtocol() {}
}
