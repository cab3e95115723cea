package io.ctstream.capture.decode;

/** A capture source or file uses a link-layer type the decoder cannot read. */
public final class UnsupportedLinkTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int linkType;

    public UnsupportedLinkTypeException(int linkType, String where) {
        super("unsupported link type " + linkType + " (" + LinkType.name(linkType) + ") on " + where
                + "; supported: Ethernet (1, with 802.1Q/802.1ad tags), Linux cooked v1 (113) and v2 (276), "
                + "raw IP (12, 14, 101), raw IPv4 (228), raw IPv6 (229)");
        this.linkType = linkType;
    }

    public int linkType() {
        return linkType;
    }
}
