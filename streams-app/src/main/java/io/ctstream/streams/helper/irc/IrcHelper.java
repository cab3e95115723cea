package io.ctstream.streams.helper.irc;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ConntrackHelper;
import io.ctstream.streams.helper.Evidence;
import io.ctstream.streams.helper.ExpectedTuple;
import io.ctstream.streams.helper.HelperCall;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import io.ctstream.streams.helper.HelperPolicy;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.HelperState;
import io.ctstream.streams.helper.ParseResult;
import java.io.DataInput;
import java.net.InetAddress;
import java.util.Set;

/**
 * The IRC DCC helper (nf_conntrack_irc). It reads what the client sends only, as the kernel does:
 * ROBUST mode each line ({@link DccParser}), KERNEL mode each segment ({@link KernelIrcSearch}, no
 * sequence tracking: every copy is searched again). It remembers nothing of its own.
 *
 * <p>The expectation rule (help() after a parse): the offer must announce the sender's own address
 * and a non-zero port, else "Forged DCC command" and nothing is expected; the expectation has a
 * wildcard source (anybody may connect) to the sender's address and the announced port, in the
 * ORIGINAL direction. With {@code loose} (ctstream's switch; the kernel has none) an announced
 * address other than the sender's is expected. In ROBUST mode port 0 (reverse or "passive" DCC,
 * where the other side listens) is refused without a forgery alert; in KERNEL mode it is forged, as
 * in the kernel.
 */
public final class IrcHelper implements ConntrackHelper {

    public static final String NAME = "irc";

    /** DCC offer announcing an address other than its sender's, or port 0 (kernel). */
    public static final String FORGED_DCC = "forged-dcc";

    /**
     * The kernel module's defaults: port 6667, max_dcc_channels 8, dcc_timeout 300 s, IPv4 only.
     */
    public static final HelperPolicy DEFAULT_POLICY =
            new HelperPolicy(Set.of(6667), false, 8, 300, false);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int protocol() {
        return TCP;
    }

    @Override
    public HelperPolicy defaultPolicy() {
        return DEFAULT_POLICY;
    }

    @Override
    public Set<String> alertTypes() {
        return Set.of(FORGED_DCC);
    }

    @Override
    public HelperState newState(HelperMode mode, HelperConfig config) {
        return HelperState.NONE;
    }

    @Override
    public HelperState readState(DataInput in, HelperMode mode, HelperConfig config) {
        return HelperState.NONE;
    }

    /** DCC offers are looked for in what the client sends only, as the kernel does. */
    @Override
    public boolean reads(Direction direction) {
        return direction == Direction.ORIGINAL;
    }

    @Override
    public void onLine(
            HelperState state, Direction dir, long seq, byte[] line, long ts, HelperCall call) {
        ParseResult<DccOffer> r = DccParser.parse(line);
        if (r instanceof ParseResult.Parsed<DccOffer> p) {
            call.decide(
                    evaluate(
                            p.value(),
                            call.context(),
                            call.policy(),
                            call.mode(),
                            call.expectationId(dir, seq),
                            seq,
                            ts,
                            Evidence.of(line)));
        } else if (r instanceof ParseResult.Rejected<DccOffer> rej) {
            call.report(
                    new Refusal(
                            NAME,
                            call.mode(),
                            dir,
                            ts,
                            seq,
                            "DCC",
                            rej.reason(),
                            null,
                            rej.detail(),
                            Evidence.of(line),
                            call.context().sender(dir),
                            null));
        }
    }

    @Override
    public void onSegment(HelperState state, Direction dir, HelperSegment seg, HelperCall call) {
        byte[] payload = seg.payload();
        if (!call.established() || payload.length == 0 || dir != Direction.ORIGINAL) {
            return;
        }
        DccOffer offer = KernelIrcSearch.search(payload);
        if (offer != null) {
            call.decide(
                    evaluate(
                            offer,
                            call.context(),
                            call.policy(),
                            call.mode(),
                            call.expectationId(dir, seg.seq()),
                            seg.seq(),
                            seg.timestampMicros(),
                            Evidence.firstLine(payload)));
        }
    }

    static HelperOutcome evaluate(
            DccOffer offer,
            HelperContext context,
            HelperPolicy policy,
            HelperMode mode,
            String expectationId,
            long position,
            long timestampMicros,
            String evidence) {
        Direction dir = Direction.ORIGINAL;
        InetAddress sender = context.sender(dir);
        InetAddress announced = offer.address();
        String cmd = "DCC " + offer.type();
        String forgedMessage =
                "Forged DCC command from "
                        + Addresses.format(sender)
                        + ": "
                        + Addresses.format(announced)
                        + ":"
                        + offer.port();
        if (offer.port() == 0) {
            return mode == HelperMode.KERNEL
                    ? refusal(
                            mode,
                            timestampMicros,
                            position,
                            cmd,
                            "port-zero",
                            FORGED_DCC,
                            forgedMessage,
                            evidence,
                            sender)
                    : refusal(
                            mode,
                            timestampMicros,
                            position,
                            cmd,
                            "port-zero",
                            null,
                            cmd + " announces port 0 (reverse DCC: the receiver listens)",
                            evidence,
                            sender);
        }
        // dcc_ip can be the sender's address or the NATed one (ct->tuplehash[!dir].tuple.dst)
        InetAddress natted = context.tuple(Direction.REPLY).dst();
        InetAddress dst = context.tuple(Direction.REPLY).dst();
        if (!announced.equals(sender) && !announced.equals(natted)) {
            if (!policy.loose() || Addresses.ipVersion(announced) != context.ipVersion()) {
                return new Refusal(
                        NAME,
                        mode,
                        dir,
                        timestampMicros,
                        position,
                        cmd,
                        "address-mismatch",
                        FORGED_DCC,
                        forgedMessage,
                        evidence,
                        sender,
                        ExpectedTuple.tcp(null, announced, offer.port()));
            }
            dst = announced;
        }
        return new ExpectationRequest(
                expectationId,
                NAME,
                mode,
                context.masterId(),
                dir,
                ExpectedTuple.tcp(null, dst, offer.port()),
                policy.timeoutSeconds(),
                timestampMicros,
                cmd,
                evidence);
    }

    private static Refusal refusal(
            HelperMode mode,
            long ts,
            long position,
            String cmd,
            String reason,
            String alertType,
            String message,
            String evidence,
            InetAddress sender) {
        return new Refusal(
                NAME,
                mode,
                Direction.ORIGINAL,
                ts,
                position,
                cmd,
                reason,
                alertType,
                message,
                evidence,
                sender,
                null);
    }
}
