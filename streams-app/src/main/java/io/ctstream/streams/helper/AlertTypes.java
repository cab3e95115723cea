package io.ctstream.streams.helper;

import java.util.Set;

/**
 * The alert types the channel core and the table caps raise (values of {@code Alert.type}). Each
 * helper names its own ({@link ConntrackHelper#alertTypes}); the registry gives the union.
 */
public final class AlertTypes {
    /** A control line longer than the line buffer. */
    public static final String LINE_OVERFLOW = "line-overflow";

    /** The Linux helper would drop this packet (kernel mode partial match). */
    public static final String KERNEL_DROP = "kernel-drop";

    /** A per-master or per-task expectation cap was hit (nf_ct_expect_max, max_expected flood). */
    public static final String EXPECTATION_FLOOD = "expectation-flood";

    /** The tracker's connection table (nf_conntrack_max) or the matcher's slot table was full. */
    public static final String CONNECTION_LIMIT = "connection-limit";

    /** Every type above. */
    public static final Set<String> CORE =
            Set.of(LINE_OVERFLOW, KERNEL_DROP, EXPECTATION_FLOOD, CONNECTION_LIMIT);

    private AlertTypes() {}
}
