package io.ctstream.streams.helper;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import java.io.DataInput;
import java.io.IOException;
import java.util.Set;

/**
 * A conntrack helper, as the kernel's {@code struct nf_conntrack_helper}: a name, the protocol of
 * the masters it attaches to, its own expectation policy ({@code nf_conntrack_expect_policy}) and
 * the callbacks that read a master's traffic. The channel core ({@code helper.channel}) knows
 * helpers only through this interface; they are registered by name in {@code
 * helper.registry.HelperRegistry}, so a new helper is one package plus one registration line.
 *
 * <p>A TCP helper (FTP, IRC) gets, in ROBUST mode, each complete line of each direction it {@link
 * #reads} (the core reassembles the stream and frames the lines) and, in KERNEL mode, each segment
 * as it came, as the kernel's {@code help()} does. A UDP helper (TFTP) gets each datagram whole
 * through {@link #onSegment} in both modes: a datagram has nothing to reassemble.
 */
public interface ConntrackHelper {

    int TCP = 6;
    int UDP = 17;

    /**
     * The kernel's helper name ("ftp", "irc", "tftp"): the helper field of connections,
     * expectations and alerts.
     */
    String name();

    /**
     * The protocol of the masters it helps (the kernel's {@code tuple.dst.protonum}): {@link #TCP}
     * or {@link #UDP}.
     */
    int protocol();

    /**
     * The kernel module's defaults: its ports, max_expected, timeout; a configuration may override
     * them.
     */
    HelperPolicy defaultPolicy();

    /**
     * The alert types this helper raises (values of {@code Alert.type}), beyond the channel core's
     * own.
     */
    Set<String> alertTypes();

    /** The helper's own state for a new master. */
    HelperState newState(HelperMode mode, HelperConfig config);

    /** Reads back what {@link HelperState#writeTo} wrote; bounds come from {@code config}. */
    HelperState readState(DataInput in, HelperMode mode, HelperConfig config) throws IOException;

    /**
     * ROBUST mode, TCP: whether the core reassembles and frames this direction for the helper
     * (default both).
     */
    default boolean reads(Direction direction) {
        return true;
    }

    /**
     * ROBUST mode, TCP: one complete line of {@code direction}, starting at stream position {@code
     * seq}.
     */
    default void onLine(
            HelperState state,
            Direction direction,
            long seq,
            byte[] line,
            long timestampMicros,
            HelperCall call) {}

    /**
     * ROBUST mode, TCP: bytes of {@code direction} were lost; the core's line framer already skips
     * to the next line.
     */
    default void onGap(HelperState state, Direction direction) {}

    /**
     * KERNEL mode of a TCP helper: one segment as it came. A UDP helper: every datagram, in both
     * modes.
     */
    void onSegment(HelperState state, Direction direction, HelperSegment segment, HelperCall call);
}
