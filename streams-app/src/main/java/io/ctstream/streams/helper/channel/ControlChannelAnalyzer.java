package io.ctstream.streams.helper.channel;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.helper.Evidence;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperKind;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.KernelWouldDrop;
import io.ctstream.streams.helper.HelperOutcome.LineOverflow;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import io.ctstream.streams.helper.HelperOutcome.StreamGap;
import io.ctstream.streams.helper.ParseResult;
import io.ctstream.streams.helper.ftp.FtpCommandParser;
import io.ctstream.streams.helper.ftp.FtpHelper;
import io.ctstream.streams.helper.ftp.FtpMessage;
import io.ctstream.streams.helper.ftp.FtpReplyAssembler;
import io.ctstream.streams.helper.ftp.FtpReplyParser;
import io.ctstream.streams.helper.ftp.KernelFtpSearch;
import io.ctstream.streams.helper.irc.DccOffer;
import io.ctstream.streams.helper.irc.DccParser;
import io.ctstream.streams.helper.irc.IrcHelper;
import io.ctstream.streams.helper.irc.KernelIrcSearch;
import io.ctstream.streams.helper.stream.LineFramer;
import io.ctstream.streams.helper.stream.LineFramer.FramerEvent;
import io.ctstream.streams.helper.stream.Seq;
import io.ctstream.streams.helper.stream.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pure entry point of the helpers for one control (master) connection: feed it every TCP segment of
 * the master, both directions, in capture order (SYN and empty ACKs included: they set the initial sequence
 * numbers and the ESTABLISHED state), and it returns what the helper concluded: expectation requests (with
 * the evictions they cause), refusals and their alerts, kernel-would-drop flags, line overflows and stream
 * gaps. State lives in a {@link ControlChannelState} the caller keeps per master (see
 * {@link ControlChannelStateCodec}).
 *
 * <p>ROBUST mode reassembles each direction and frames lines, so a command split across segments, several
 * commands in one segment and a quoted DCC filename all work. KERNEL mode reproduces nf_conntrack_ftp and
 * nf_conntrack_irc per segment, quirks included. See the streams-app README for every difference.
 */
public final class ControlChannelAnalyzer {

    private final HelperConfig config;

    public ControlChannelAnalyzer(HelperConfig config) {
        this.config = config;
    }

    public HelperConfig config() {
        return config;
    }

    /** A new state for a master: the helper is chosen by the server port as the kernel's ct helper rule does. */
    public ControlChannelState newState(HelperContext context) {
        return ControlChannelState.create(config.helperFor(context.orig()).orElse(null), config);
    }

    /**
     * Processes one segment of the master.
     *
     * @param direction ORIGINAL for the client's segments (orig tuple), REPLY for the server's
     */
    public List<HelperOutcome> onSegment(ControlChannelState state, Direction direction, TcpSegment segment,
                                         HelperContext context) {
        List<HelperOutcome> out = new ArrayList<>();
        if (state.helper == null) {
            return out;
        }
        state.segments++;
        if (direction == Direction.REPLY) {
            state.seenReply = true;
        }
        if (state.mode == HelperMode.KERNEL) {
            kernel(state, direction, segment, context, out);
        } else {
            robust(state, direction, segment, context, out);
        }
        for (HelperOutcome o : out) {
            if (o instanceof ExpectationRequest) {
                state.expectationRequests++;
            } else if (o instanceof Refusal) {
                state.refusals++;
            } else if (o instanceof KernelWouldDrop) {
                state.kernelDrops++;
            }
        }
        return out;
    }

    /**
     * An expectation of this master was fulfilled, expired or evicted where it is matched: it stops counting
     * against max_expected. Returns false when it was not known as live.
     */
    public boolean onExpectationClosed(ControlChannelState state, String expectationId) {
        return state.window.closed(expectationId);
    }

    // ---------------------------------------------------------------- ROBUST

    private void robust(ControlChannelState s, Direction dir, TcpSegment seg, HelperContext ctx, List<HelperOutcome> out) {
        Direction other = dir == Direction.ORIGINAL ? Direction.REPLY : Direction.ORIGINAL;
        if (seg.hasAck() && (seg.tcpFlags() & TcpSegment.ACK) != 0 && reads(s, other)) {
            // what this side acknowledged of the other: a hole there is lost for good, resynchronise now
            deliver(s, other, s.streams[other.ordinal()].acknowledged(seg.ack()), seg.timestampMicros(), ctx, out);
        }
        if (!reads(s, dir)) {
            return;
        }
        deliver(s, dir, s.streams[dir.ordinal()].accept(seg.seq(), seg.syn(), seg.payload(), seg.payloadLength()),
            seg.timestampMicros(), ctx, out);
    }

    /** DCC offers are looked for in what the client sends only, as the kernel does. */
    private static boolean reads(ControlChannelState s, Direction dir) {
        return !(s.helper == HelperKind.IRC && dir == Direction.REPLY);
    }

    private void deliver(ControlChannelState s, Direction dir, List<StreamEvent> events, long ts, HelperContext ctx,
                         List<HelperOutcome> out) {
        LineFramer framer = s.framers[dir.ordinal()];
        for (StreamEvent ev : events) {
            if (ev instanceof StreamEvent.Gap g) {
                // as Zeek after a content gap: skip to the next line boundary and go on
                framer.gap();
                if (dir == Direction.REPLY && s.replies != null) {
                    s.replies.gap();
                }
                out.add(new StreamGap(s.helper.helperName(), s.mode, dir, ts, g.seq(), g.length()));
                continue;
            }
            StreamEvent.Data data = (StreamEvent.Data) ev;
            for (FramerEvent fe : framer.feed(data.seq(), data.bytes())) {
                if (fe instanceof FramerEvent.Overflow o) {
                    out.add(new LineOverflow(s.helper.helperName(), s.mode, dir, ts, o.startSeq(),
                        o.limit(), Evidence.of(o.prefix())));
                } else {
                    FramerEvent.Line line = (FramerEvent.Line) fe;
                    robustLine(s, dir, line.startSeq(), line.bytes(), ts, ctx, out);
                }
            }
        }
    }

    private void robustLine(ControlChannelState s, Direction dir, long seq, byte[] line, long ts, HelperContext ctx,
                            List<HelperOutcome> out) {
        if (s.helper == HelperKind.FTP) {
            if (dir == Direction.ORIGINAL) {
                ftpResult(s, dir, FtpCommandParser.parse(line), commandName(line), seq, line, ts, ctx, out);
            } else {
                FtpReplyAssembler.CompleteReply reply = s.replies.onLine(seq, line);
                if (reply != null) {
                    ftpResult(s, dir, FtpReplyParser.parse(reply.code(), reply.line()), String.valueOf(reply.code()),
                        reply.seq(), reply.line(), ts, ctx, out);
                }
            }
        } else {
            ParseResult<DccOffer> r = DccParser.parse(line);
            if (r instanceof ParseResult.Parsed<DccOffer> p) {
                admit(s, IrcHelper.evaluate(p.value(), ctx, config, s.mode, expectationId(ctx, dir, seq), seq, ts,
                    Evidence.of(line)), out);
            } else if (r instanceof ParseResult.Rejected<DccOffer> rej) {
                out.add(parseRefusal(s, dir, ts, seq, "DCC", rej, line, ctx));
            }
        }
    }

    private void ftpResult(ControlChannelState s, Direction dir, ParseResult<FtpMessage> r, String command, long seq,
                           byte[] line, long ts, HelperContext ctx, List<HelperOutcome> out) {
        if (r instanceof ParseResult.Parsed<FtpMessage> p) {
            admit(s, FtpHelper.evaluate(p.value(), ctx, config, s.mode, expectationId(ctx, dir, seq), seq, ts,
                Evidence.of(line)), out);
        } else if (r instanceof ParseResult.Rejected<FtpMessage> rej) {
            out.add(parseRefusal(s, dir, ts, seq, command, rej, line, ctx));
        }
    }

    private static Refusal parseRefusal(ControlChannelState s, Direction dir, long ts, long seq, String command,
                                        ParseResult.Rejected<?> rej, byte[] line, HelperContext ctx) {
        return new Refusal(s.helper.helperName(), s.mode, dir, ts, seq, command, rej.reason(), null, rej.detail(),
            Evidence.of(line), ctx.sender(dir), null);
    }

    private static String commandName(byte[] line) {
        String t = new String(line, StandardCharsets.ISO_8859_1).strip();
        int sp = t.indexOf(' ');
        return (sp < 0 ? t : t.substring(0, sp)).toUpperCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- KERNEL

    private void kernel(ControlChannelState s, Direction dir, TcpSegment seg, HelperContext ctx, List<HelperOutcome> out) {
        // "Until there's been traffic both ways, don't look in packets."
        boolean established = dir == Direction.REPLY || s.seenReply;
        byte[] payload = seg.payload();
        if (!established || payload.length == 0) {
            return;
        }
        if (s.helper == HelperKind.FTP) {
            kernelFtp(s, dir, seg, ctx, out);
        } else if (dir == Direction.ORIGINAL) {
            DccOffer offer = KernelIrcSearch.search(payload);
            if (offer != null) {
                admit(s, IrcHelper.evaluate(offer, ctx, config, s.mode, expectationId(ctx, dir, seg.seq()), seg.seq(),
                    seg.timestampMicros(), segmentEvidence(payload)), out);
            }
        }
    }

    private void kernelFtp(ControlChannelState s, Direction dir, TcpSegment seg, HelperContext ctx, List<HelperOutcome> out) {
        byte[] payload = seg.payload();
        KernelNewlineTracker nl = s.newlines[dir.ordinal()];
        boolean endsInNl = !seg.truncated() && payload[payload.length - 1] == '\n';
        long nlSeq = Seq.add(seg.seq(), seg.payloadLength());
        if (!nl.followsNewline(seg.seq())) {
            if (endsInNl) {
                nl.update(nlSeq);
            }
            return;
        }
        KernelFtpSearch.Result r = KernelFtpSearch.search(dir, payload, ctx.ipVersion());
        if (r instanceof KernelFtpSearch.Partial p) {
            // NF_DROP: the packet never reaches the server, so seq_aft_nl is not updated either; each copy is
            // dropped and logged again
            out.add(new KernelWouldDrop(HelperKind.FTP.helperName(), s.mode, dir, seg.timestampMicros(), seg.seq(),
                p.logMessage(), segmentEvidence(payload)));
            return;
        }
        boolean copy = nl.alreadySearched(seg.seq());
        nl.searched(nlSeq);
        if (r instanceof KernelFtpSearch.Match m && !copy) {
            admit(s, FtpHelper.evaluate(m.message(), ctx, config, s.mode, expectationId(ctx, dir, seg.seq()), seg.seq(),
                seg.timestampMicros(), segmentEvidence(payload)), out);
        }
        if (endsInNl) {
            nl.update(nlSeq);
        }
    }

    /** The segment's first line (what the kernel examined), escaped. */
    private static String segmentEvidence(byte[] payload) {
        int n = 0;
        while (n < payload.length && payload[n] != '\n') {
            n++;
        }
        return Evidence.of(payload, 0, Math.min(payload.length, n + 1));
    }

    // ---------------------------------------------------------------- shared

    private void admit(ControlChannelState s, HelperOutcome decision, List<HelperOutcome> out) {
        if (decision instanceof ExpectationRequest req) {
            out.addAll(s.window.admit(req, config.maxExpected(s.helper)));
        }
        out.add(decision);
    }

    /** Deterministic: the master, the direction and the stream position of the announcing line or segment. */
    static String expectationId(HelperContext ctx, Direction dir, long seq) {
        return ctx.masterId() + "/" + (dir == Direction.ORIGINAL ? "o" : "r") + "/" + seq;
    }

    /** The alert type an outcome raises, or null: the caller's mapping to Alert records. */
    public static String alertType(HelperOutcome outcome) {
        if (outcome instanceof Refusal r) {
            return r.alertType();
        }
        if (outcome instanceof KernelWouldDrop) {
            return AlertTypes.KERNEL_DROP;
        }
        if (outcome instanceof LineOverflow) {
            return AlertTypes.LINE_OVERFLOW;
        }
        return null;
    }
}
