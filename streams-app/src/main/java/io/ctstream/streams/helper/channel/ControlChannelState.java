package io.ctstream.streams.helper.channel;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.ConntrackHelper;
import io.ctstream.streams.helper.ExpectationWindow;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperState;
import io.ctstream.streams.helper.stream.LineFramer;
import io.ctstream.streams.helper.stream.TcpStreamReassembler;
import java.util.List;

/**
 * Everything the channel core remembers about one master between packets: which helper and mode,
 * whether the reply direction has been seen (the kernel's ESTABLISHED), per direction the stream
 * reassembler and line framer (ROBUST, TCP helpers), the master's live expectations, counters, and
 * the helper's own {@link HelperState}. Mutable; stored per master with {@link
 * ControlChannelStateCodec}.
 */
public final class ControlChannelState {

    final ConntrackHelper helper;
    final HelperMode mode;
    boolean seenReply;
    final TcpStreamReassembler[] streams = new TcpStreamReassembler[2];
    final LineFramer[] framers = new LineFramer[2];
    HelperState helperState = HelperState.NONE;
    ExpectationWindow window = new ExpectationWindow();
    long segments;
    long expectationRequests;
    long refusals;
    long kernelDrops;

    ControlChannelState(ConntrackHelper helper, HelperMode mode) {
        this.helper = helper;
        this.mode = mode;
    }

    /**
     * A fresh state for a master handled by {@code helper} (null: no helper, every segment is
     * ignored).
     */
    static ControlChannelState create(ConntrackHelper helper, HelperConfig config) {
        ControlChannelState s = new ControlChannelState(helper, config.mode());
        if (helper == null) {
            return s;
        }
        if (reassembles(helper, config.mode())) {
            for (int d = 0; d < 2; d++) {
                s.streams[d] =
                        new TcpStreamReassembler(
                                config.reassemblyWindowBytes(), config.reassemblyMaxSegments());
                s.framers[d] = new LineFramer(config.lineBufferBytes());
            }
        }
        s.helperState = helper.newState(config.mode(), config);
        return s;
    }

    /**
     * ROBUST mode frames a TCP helper's lines; a datagram helper and KERNEL mode read packets as
     * they come.
     */
    static boolean reassembles(ConntrackHelper helper, HelperMode mode) {
        return mode == HelperMode.ROBUST && helper.protocol() == ConntrackHelper.TCP;
    }

    /** The helper of this master, or null when it has none. */
    public ConntrackHelper helper() {
        return helper;
    }

    /** The helper's own state (FTP: its reply assembler or newline trackers). */
    public HelperState helperState() {
        return helperState;
    }

    public HelperMode mode() {
        return mode;
    }

    public boolean seenReply() {
        return seenReply;
    }

    /** ROBUST mode: the reassembler of one direction (null in KERNEL mode). */
    public TcpStreamReassembler stream(Direction direction) {
        return streams[direction.ordinal()];
    }

    /** ROBUST mode: the line framer of one direction (null in KERNEL mode). */
    public LineFramer framer(Direction direction) {
        return framers[direction.ordinal()];
    }

    /** Expectation ids of this master believed live, oldest first. */
    public List<String> liveExpectations() {
        return window.liveIds();
    }

    public long segments() {
        return segments;
    }

    public long expectationRequests() {
        return expectationRequests;
    }

    public long refusals() {
        return refusals;
    }

    public long kernelDrops() {
        return kernelDrops;
    }
}
