package io.ctstream.enforcement.nft;

/**
 * The sets of table {@code inet ctstream}. Every set has {@code flags timeout} (each element
 * expires on its own); the sets whose source may be a prefix, or whose port may be a range, also
 * have {@code flags interval}. The layer-4 protocol is part of every match, so an ALLOW for TCP
 * port 2000 never opens UDP port 2000.
 */
public enum NftSet {
    /** ALLOW: source[/prefix] . destination . protocol . destination port. */
    ALLOW4("allow4", "ipv4_addr . ipv4_addr . inet_proto . inet_service", true),
    /**
     * ALLOW with a wildcard source (IRC DCC, FTP where the expectation has one): destination .
     * protocol . port.
     */
    ALLOW4_ANYSRC("allow4_anysrc", "ipv4_addr . inet_proto . inet_service", false),
    ALLOW6("allow6", "ipv6_addr . ipv6_addr . inet_proto . inet_service", true),
    ALLOW6_ANYSRC("allow6_anysrc", "ipv6_addr . inet_proto . inet_service", false),
    /**
     * BLOCK of a source to one destination: source[/prefix] . destination . protocol . port
     * (0-65535 for every port).
     */
    BLOCK4("block4", "ipv4_addr . ipv4_addr . inet_proto . inet_service", true),
    /** BLOCK of a source everywhere: source[/prefix], every protocol. */
    BLOCK4_SRC("block4_src", "ipv4_addr", true),
    BLOCK6("block6", "ipv6_addr . ipv6_addr . inet_proto . inet_service", true),
    BLOCK6_SRC("block6_src", "ipv6_addr", true);

    private final String setName;
    private final String type;
    private final boolean interval;

    NftSet(String setName, String type, boolean interval) {
        this.setName = setName;
        this.type = type;
        this.interval = interval;
    }

    public String setName() {
        return setName;
    }

    public String type() {
        return type;
    }

    public boolean interval() {
        return interval;
    }

    public boolean isAllow() {
        return name().startsWith("ALLOW");
    }

    public static NftSet bySetName(String setName) {
        for (NftSet s : values()) {
            if (s.setName.equals(setName)) {
                return s;
            }
        }
        return null;
    }
}
