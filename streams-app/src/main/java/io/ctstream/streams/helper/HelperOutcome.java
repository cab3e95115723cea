package io.ctstream.streams.helper;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import java.net.InetAddress;

/**
 * What a helper concluded from a control-channel segment. The caller turns these into
 * ExpectationEvents and Alerts; nothing here knows about Kafka.
 */
public sealed interface HelperOutcome {

    /** "ftp" or "irc". */
    String helper();

    HelperMode mode();

    /** The direction of the master whose data led to this outcome. */
    Direction direction();

    /** Event time: the timestamp of the segment that completed the evidence. */
    long timestampMicros();

    /**
     * Create an expectation (the kernel's nf_ct_expect_related).
     *
     * @param expectationId deterministic: master id, direction and the stream position of the
     *     announcing line (robust) or segment (kernel)
     * @param command PORT, EPRT, 227, 229 or "DCC SEND" etc.
     * @param evidence the announcing command or reply text, escaped
     */
    record ExpectationRequest(
            String expectationId,
            String helper,
            HelperMode mode,
            String masterId,
            Direction direction,
            ExpectedTuple expected,
            int timeoutSeconds,
            long timestampMicros,
            String command,
            String evidence)
            implements HelperOutcome {
        public long expiresAtMicros() {
            return timestampMicros + timeoutSeconds * 1_000_000L;
        }
    }

    /**
     * A newer expectation of the same master replaces an older one: 'max-expected' when the
     * master's limit (FTP max_expected, IRC max_dcc_channels) is reached, 'replaced' when the same
     * tuple is announced again. The eviction only applies if the evicted expectation is still live
     * where it is matched.
     */
    record ExpectationEviction(
            String evictedExpectationId,
            String byExpectationId,
            String helper,
            HelperMode mode,
            Direction direction,
            long timestampMicros,
            String reason)
            implements HelperOutcome {}

    /**
     * The helper recognised an announcement but created no expectation.
     *
     * @param position stream position (sequence number) of the line or segment, for deterministic
     *     alert ids
     * @param reason machine-readable: address-mismatch, address-family-mismatch, port-zero,
     *     malformed, ...
     * @param alertType an {@link AlertTypes} value when this must be alerted (ftp-bounce,
     *     forged-dcc), else null
     * @param sender the address that sent the command
     * @param announced the tuple that would have been expected, when the command had a usable one
     */
    record Refusal(
            String helper,
            HelperMode mode,
            Direction direction,
            long timestampMicros,
            long position,
            String command,
            String reason,
            String alertType,
            String message,
            String evidence,
            InetAddress sender,
            ExpectedTuple announced)
            implements HelperOutcome {}

    /**
     * KERNEL mode: the Linux helper returns NF_DROP for this segment (nf_ct_helper_log "partial
     * matching of 'PORT'"). Raises the 'kernel-drop' alert.
     */
    record KernelWouldDrop(
            String helper,
            HelperMode mode,
            Direction direction,
            long timestampMicros,
            long seq,
            String message,
            String evidence)
            implements HelperOutcome {}

    /** ROBUST mode: a control line exceeded the line buffer; it is discarded up to its newline. */
    record LineOverflow(
            String helper,
            HelperMode mode,
            Direction direction,
            long timestampMicros,
            long lineStartSeq,
            int limitBytes,
            String evidence)
            implements HelperOutcome {}

    /**
     * ROBUST mode: bytes of the control stream that will never be seen (reassembly window overflow,
     * truncated capture). The line they fell into is discarded.
     */
    record StreamGap(
            String helper,
            HelperMode mode,
            Direction direction,
            long timestampMicros,
            long seq,
            long lengthBytes)
            implements HelperOutcome {}
}
