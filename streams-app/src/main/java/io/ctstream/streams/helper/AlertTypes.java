package io.ctstream.streams.helper;

/** The alert types the helpers and the table caps raise (values of {@code Alert.type}). */
public final class AlertTypes {
    /** PORT/EPRT (or a 227 reply) announcing an address other than its sender's. */
    public static final String FTP_BOUNCE = "ftp-bounce";
    /** DCC offer announcing an address other than its sender's, or port 0 (kernel). */
    public static final String FORGED_DCC = "forged-dcc";
    /** A control line longer than the line buffer. */
    public static final String LINE_OVERFLOW = "line-overflow";
    /** The Linux helper would drop this packet (kernel mode partial match). */
    public static final String KERNEL_DROP = "kernel-drop";
    /** A per-master or per-task expectation cap was hit (nf_ct_expect_max, max_expected flood). */
    public static final String EXPECTATION_FLOOD = "expectation-flood";
    /** The tracker's connection table (nf_conntrack_max) or the matcher's slot table was full. */
    public static final String CONNECTION_LIMIT = "connection-limit";

    private AlertTypes() {
    }
}
