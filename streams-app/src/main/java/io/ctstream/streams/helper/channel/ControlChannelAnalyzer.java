package io.ctstream.streams.helper.channel;

import io.ctstream.avro.Direction;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.helper.ConnTuple;
import io.ctstream.streams.helper.ConntrackHelper;
import io.ctstream.streams.helper.Evidence;
import io.ctstream.streams.helper.HelperCall;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.KernelWouldDrop;
import io.ctstream.streams.helper.HelperOutcome.LineOverflow;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import io.ctstream.streams.helper.HelperOutcome.StreamGap;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.registry.HelperRegistry;
import io.ctstream.streams.helper.stream.LineFramer;
import io.ctstream.streams.helper.stream.LineFramer.FramerEvent;
import io.ctstream.streams.helper.stream.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pure entry point of the helpers for one master connection: feed it every packet of the
 * master, both directions, in capture order (SYN and empty ACKs included: they set the initial
 * sequence numbers and the ESTABLISHED state), and it returns what the master's helper concluded:
 * expectation requests (with the evictions they cause), refusals and their alerts,
 * kernel-would-drop flags, line overflows and stream gaps. State lives in a {@link
 * ControlChannelState} the caller keeps per master (see {@link ControlChannelStateCodec}).
 *
 * <p>It names no helper: the master's {@link ConntrackHelper} is chosen from the {@link
 * HelperRegistry} by port, as the kernel's ct helper rule does. In ROBUST mode it reassembles each
 * direction of a TCP master the helper reads and frames lines, so a command split across segments,
 * several commands in one segment and a quoted DCC filename all work; the helper gets complete
 * lines. In KERNEL mode, and for UDP helpers, the helper gets each packet as it came. See the
 * streams-app README for every difference from the Linux helpers.
 */
public final class ControlChannelAnalyzer {

    private final HelperConfig config;

    public ControlChannelAnalyzer(HelperConfig config) {
        HelperRegistry.validate(config);
        this.config = config;
    }

    public HelperConfig config() {
        return config;
    }

    /**
     * The helper a new connection gets, by its original tuple (the kernel's ct helper rule); empty
     * for most.
     */
    public Optional<ConntrackHelper> helperFor(ConnTuple orig) {
        return HelperRegistry.helperFor(config, orig);
    }

    /**
     * Whether a new connection of {@code protocol} may be one a helper expects: some helper of that
     * protocol is on (has ports). Only those go to the matcher, so UDP connections cost nothing
     * there while no UDP helper runs.
     */
    public boolean expects(int protocol) {
        return HelperRegistry.all().stream()
                .anyMatch(h -> h.protocol() == protocol && !config.policy(h).ports().isEmpty());
    }

    /**
     * A new state for a master: the helper is chosen by the server port as the kernel's ct helper
     * rule does.
     */
    public ControlChannelState newState(HelperContext context) {
        return ControlChannelState.create(helperFor(context.orig()).orElse(null), config);
    }

    /**
     * Processes one packet of the master.
     *
     * @param direction ORIGINAL for the client's packets (orig tuple), REPLY for the server's
     */
    public List<HelperOutcome> onSegment(
            ControlChannelState state,
            Direction direction,
            HelperSegment segment,
            HelperContext context) {
        List<HelperOutcome> out = new ArrayList<>();
        if (state.helper == null) {
            return out;
        }
        state.segments++;
        if (direction == Direction.REPLY) {
            state.seenReply = true;
        }
        HelperCall call =
                new HelperCall(
                        state.helper.name(),
                        state.mode,
                        config.policy(state.helper),
                        context,
                        state.seenReply,
                        state.segments,
                        state.window,
                        out);
        if (ControlChannelState.reassembles(state.helper, state.mode)) {
            robust(state, direction, segment, call, out);
        } else {
            state.helper.onSegment(state.helperState, direction, segment, call);
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
     * An expectation of this master was fulfilled, expired or evicted where it is matched: it stops
     * counting against max_expected. Returns false when it was not known as live.
     */
    public boolean onExpectationClosed(ControlChannelState state, String expectationId) {
        return state.window.closed(expectationId);
    }

    // ---------------------------------------------------------------- ROBUST, TCP: reassembly and
    // line framing

    private void robust(
            ControlChannelState s,
            Direction dir,
            HelperSegment seg,
            HelperCall call,
            List<HelperOutcome> out) {
        Direction other = dir == Direction.ORIGINAL ? Direction.REPLY : Direction.ORIGINAL;
        if (seg.hasAck() && (seg.tcpFlags() & HelperSegment.ACK) != 0 && s.helper.reads(other)) {
            // what this side acknowledged of the other: a hole there is lost for good,
            // resynchronise now
            deliver(
                    s,
                    other,
                    s.streams[other.ordinal()].acknowledged(seg.ack()),
                    seg.timestampMicros(),
                    call,
                    out);
        }
        if (!s.helper.reads(dir)) {
            return;
        }
        deliver(
                s,
                dir,
                s.streams[dir.ordinal()].accept(
                        seg.seq(), seg.syn(), seg.payload(), seg.payloadLength()),
                seg.timestampMicros(),
                call,
                out);
    }

    private void deliver(
            ControlChannelState s,
            Direction dir,
            List<StreamEvent> events,
            long ts,
            HelperCall call,
            List<HelperOutcome> out) {
        LineFramer framer = s.framers[dir.ordinal()];
        for (StreamEvent ev : events) {
            if (ev instanceof StreamEvent.Gap g) {
                // as Zeek after a content gap: skip to the next line boundary and go on
                framer.gap();
                s.helper.onGap(s.helperState, dir);
                out.add(new StreamGap(s.helper.name(), s.mode, dir, ts, g.seq(), g.length()));
                continue;
            }
            StreamEvent.Data data = (StreamEvent.Data) ev;
            for (FramerEvent fe : framer.feed(data.seq(), data.bytes())) {
                if (fe instanceof FramerEvent.Overflow o) {
                    out.add(
                            new LineOverflow(
                                    s.helper.name(),
                                    s.mode,
                                    dir,
                                    ts,
                                    o.startSeq(),
                                    o.limit(),
                                    Evidence.of(o.prefix())));
                } else {
                    FramerEvent.Line line = (FramerEvent.Line) fe;
                    s.helper.onLine(s.helperState, dir, line.startSeq(), line.bytes(), ts, call);
                }
            }
        }
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
