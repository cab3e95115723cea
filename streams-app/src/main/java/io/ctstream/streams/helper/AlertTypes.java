package io.ctstream.streams.helper;

/** The alert types the helpers raise (values of {@code Alert.type}). */
public final class AlertTypes {
    /** PORT/EPRT (or a 227 reply) announcing an address other than its sender's. */
    public static final String FTP_BOUNCE = "ftp-bounce";
    /** DCC offer announcing an address other than its sender's, or port 0 (kernel). */
    public static final String FORGED_DCC = "forged-dcc";
    /** A control line longer than the line buffer. */
    public static final String LINE_OVERFLOW = "line-overflow";
    /** The Linux helper would drop this packet (kernel mode partial match). */
    public static final String KERNEL_DROP = "kernel-drop";

    private AlertTypes() {
    }
}
