package io.ctstream.streams.helper;

/** The helpers ctstream implements, named as the kernel names them. */
public enum HelperKind {
    FTP("ftp"),
    IRC("irc");

    private final String helperName;

    HelperKind(String helperName) {
        this.helperName = helperName;
    }

    /** "ftp" or "irc", the value of the helper field in expectations and alerts. */
    public String helperName() {
        return helperName;
    }
}
