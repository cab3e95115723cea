package io.ctstream.streams.helper.ftp;

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
import io.ctstream.streams.helper.HelperOutcome.KernelWouldDrop;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import io.ctstream.streams.helper.HelperPolicy;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.HelperState;
import io.ctstream.streams.helper.ParseResult;
import io.ctstream.streams.helper.stream.Seq;
import java.io.DataInput;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The FTP helper (nf_conntrack_ftp). ROBUST mode parses each command line ({@link
 * FtpCommandParser}) and each complete reply ({@link FtpReplyAssembler}, {@link FtpReplyParser});
 * KERNEL mode searches a segment that follows a newline as the kernel does ({@link
 * KernelFtpSearch}, {@link KernelNewlineTracker}).
 *
 * <p>The expectation rule (help() after a match): the expected connection comes from the master's
 * other endpoint (source address pinned, source port wildcard) to the announced port of the sender;
 * PORT/EPRT give an ORIGINAL-direction expectation, 227/229 a REPLY one; a 229 has no address and
 * means the server's. With {@code loose=false} an announced address other than the sender's creates
 * nothing and is refused as 'ftp-bounce' with the command as evidence; with {@code loose=true} the
 * announced address is expected, as the kernel's loose=1 does.
 */
public final class FtpHelper implements ConntrackHelper {

    public static final String NAME = "ftp";

    /** PORT/EPRT (or a 227 reply) announcing an address other than its sender's. */
    public static final String FTP_BOUNCE = "ftp-bounce";

    /** The kernel module's defaults: port 21, loose=0, max_expected 1, 300 s. */
    public static final HelperPolicy DEFAULT_POLICY =
            new HelperPolicy(Set.of(21), false, 1, 300, true);

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
        return Set.of(FTP_BOUNCE);
    }

    @Override
    public HelperState newState(HelperMode mode, HelperConfig config) {
        return FtpState.create(mode);
    }

    @Override
    public HelperState readState(DataInput in, HelperMode mode, HelperConfig config)
            throws IOException {
        return FtpState.readFrom(in, config);
    }

    // ---------------------------------------------------------------- ROBUST

    @Override
    public void onLine(
            HelperState state, Direction dir, long seq, byte[] line, long ts, HelperCall call) {
        if (dir == Direction.ORIGINAL) {
            result(dir, FtpCommandParser.parse(line), commandName(line), seq, line, ts, call);
            return;
        }
        FtpReplyAssembler.CompleteReply reply = ((FtpState) state).replies.onLine(seq, line);
        if (reply != null) {
            result(
                    dir,
                    FtpReplyParser.parse(reply.code(), reply.line()),
                    String.valueOf(reply.code()),
                    reply.seq(),
                    reply.line(),
                    ts,
                    call);
        }
    }

    @Override
    public void onGap(HelperState state, Direction dir) {
        FtpState s = (FtpState) state;
        if (dir == Direction.REPLY && s.replies != null) {
            s.replies.gap(); // a multi-line reply in progress is lost with the gap
        }
    }

    private void result(
            Direction dir,
            ParseResult<FtpMessage> r,
            String command,
            long seq,
            byte[] line,
            long ts,
            HelperCall call) {
        if (r instanceof ParseResult.Parsed<FtpMessage> p) {
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
        } else if (r instanceof ParseResult.Rejected<FtpMessage> rej) {
            call.report(
                    new Refusal(
                            NAME,
                            call.mode(),
                            dir,
                            ts,
                            seq,
                            command,
                            rej.reason(),
                            null,
                            rej.detail(),
                            Evidence.of(line),
                            call.context().sender(dir),
                            null));
        }
    }

    private static String commandName(byte[] line) {
        String t = new String(line, StandardCharsets.ISO_8859_1).strip();
        int sp = t.indexOf(' ');
        return (sp < 0 ? t : t.substring(0, sp)).toUpperCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- KERNEL

    @Override
    public void onSegment(HelperState state, Direction dir, HelperSegment seg, HelperCall call) {
        byte[] payload = seg.payload();
        // "Until there's been traffic both ways, don't look in packets."
        if (!call.established() || payload.length == 0) {
            return;
        }
        KernelNewlineTracker nl = ((FtpState) state).newlines(dir);
        boolean endsInNl = !seg.truncated() && payload[payload.length - 1] == '\n';
        long nlSeq = Seq.add(seg.seq(), seg.payloadLength());
        if (!nl.followsNewline(seg.seq())) {
            if (endsInNl) {
                nl.update(nlSeq);
            }
            return;
        }
        KernelFtpSearch.Result r = KernelFtpSearch.search(dir, payload, call.context().ipVersion());
        if (r instanceof KernelFtpSearch.Partial p) {
            // NF_DROP: the packet never reaches the server, so seq_aft_nl is not updated either;
            // each copy is
            // dropped and logged again
            call.report(
                    new KernelWouldDrop(
                            NAME,
                            call.mode(),
                            dir,
                            seg.timestampMicros(),
                            seg.seq(),
                            p.logMessage(),
                            Evidence.firstLine(payload)));
            return;
        }
        boolean copy = nl.alreadySearched(seg.seq());
        nl.searched(nlSeq);
        if (r instanceof KernelFtpSearch.Match m && !copy) {
            call.decide(
                    evaluate(
                            m.message(),
                            call.context(),
                            call.policy(),
                            call.mode(),
                            call.expectationId(dir, seg.seq()),
                            seg.seq(),
                            seg.timestampMicros(),
                            Evidence.firstLine(payload)));
        }
        if (endsInNl) {
            nl.update(nlSeq);
        }
    }

    // ---------------------------------------------------------------- the expectation rule

    /**
     * @param expectationId the id the request gets (deterministic, from the announcing position)
     * @param position stream position of the announcing line or segment
     * @param evidence the announcing text, escaped
     * @return an {@link ExpectationRequest} or a {@link Refusal}
     */
    static HelperOutcome evaluate(
            FtpMessage message,
            HelperContext context,
            HelperPolicy policy,
            HelperMode mode,
            String expectationId,
            long position,
            long timestampMicros,
            String evidence) {
        Direction dir = message.direction();
        InetAddress sender = context.sender(dir);
        InetAddress announced = message.address() == null ? sender : message.address();
        String cmd = message.command();
        if (message.port() == 0) {
            // the kernel's try_rfc959 lets PORT/227 port 0 through; nothing can connect to it
            // (README)
            return refusal(
                    mode,
                    dir,
                    timestampMicros,
                    position,
                    cmd,
                    "port-zero",
                    null,
                    cmd + " announces port 0",
                    evidence,
                    sender,
                    null);
        }
        if (Addresses.ipVersion(announced) != context.ipVersion()) {
            return refusal(
                    mode,
                    dir,
                    timestampMicros,
                    position,
                    cmd,
                    "address-family-mismatch",
                    FTP_BOUNCE,
                    cmd
                            + " announces "
                            + Addresses.format(announced)
                            + " on an IPv"
                            + context.ipVersion()
                            + " control connection from "
                            + Addresses.format(sender),
                    evidence,
                    sender,
                    null);
        }
        InetAddress peer = context.receiver(dir);
        InetAddress dst = sender;
        if (!announced.equals(sender)) {
            if (!policy.loose()) {
                return refusal(
                        mode,
                        dir,
                        timestampMicros,
                        position,
                        cmd,
                        "address-mismatch",
                        FTP_BOUNCE,
                        cmd
                                + " announces "
                                + Addresses.format(announced)
                                + " but the sender is "
                                + Addresses.format(sender),
                        evidence,
                        sender,
                        ExpectedTuple.tcp(peer, announced, message.port()));
            }
            dst = announced;
        }
        return new ExpectationRequest(
                expectationId,
                NAME,
                mode,
                context.masterId(),
                dir,
                ExpectedTuple.tcp(peer, dst, message.port()),
                policy.timeoutSeconds(),
                timestampMicros,
                cmd,
                evidence);
    }

    private static Refusal refusal(
            HelperMode mode,
            Direction dir,
            long ts,
            long position,
            String cmd,
            String reason,
            String alertType,
            String message,
            String evidence,
            InetAddress sender,
            ExpectedTuple announced) {
        return new Refusal(
                NAME, mode, dir, ts, position, cmd, reason, alertType, message, evidence, sender,
                announced);
    }
}
