package io.ctstream.capture.decode;

/** A capture source or file uses a link-layer type the decoder cannot read. */
public final class UnsupportedLinkTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int linkType;

    public UnsupportedLinkTypeException(int linkType, String where) {
        super(
                "unsupported link type "
                        + linkType
                        + " ("
                        + LinkType.name(linkType)
                        + ") on "
                        + where
                        + "; supported: "
                        + LinkType.SUPPORTED);
        this.linkType = linkType;
    }

    public int linkType() {
        return linkType;
    }
}
