package io.ctstream.streams.helper.channel;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.ExpectationWindow;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperKind;
import io.ctstream.streams.helper.ftp.FtpReplyAssembler;
import io.ctstream.streams.helper.stream.LineFramer;
import io.ctstream.streams.helper.stream.TcpStreamReassembler;
import java.util.List;

/**
 * Everything a helper remembers about one control (master) connection between segments: which helper and
 * mode, whether the reply direction has been seen (the kernel's ESTABLISHED), per direction the stream
 * reassembler and line framer (ROBUST) or the seq-after-newline tracker (KERNEL, FTP), the multi-line reply
 * in progress (ROBUST, FTP) and the master's live expectations. Mutable; stored per master with
 * {@link ControlChannelStateCodec}.
 */
public final class ControlChannelState {

    final HelperKind helper;
    final HelperMode mode;
    boolean seenReply;
    final TcpStreamReassembler[] streams = new TcpStreamReassembler[2];
    final LineFramer[] framers = new LineFramer[2];
    final KernelNewlineTracker[] newlines = new KernelNewlineTracker[2];
    FtpReplyAssembler replies;
    ExpectationWindow window = new ExpectationWindow();
    long segments;
    long expectationRequests;
    long refusals;
    long kernelDrops;

    ControlChannelState(HelperKind helper, HelperMode mode) {
        this.helper = helper;
        this.mode = mode;
    }

    /** A fresh state for a master handled by {@code helper} (null: no helper, every segment is ignored). */
    static ControlChannelState create(HelperKind helper, HelperConfig config) {
        ControlChannelState s = new ControlChannelState(helper, config.mode());
        if (helper == null) {
            return s;
        }
        for (int d = 0; d < 2; d++) {
            if (config.mode() == HelperMode.ROBUST) {
                s.streams[d] = new TcpStreamReassembler(config.reassemblyWindowBytes(), config.reassemblyMaxSegments());
                s.framers[d] = new LineFramer(config.lineBufferBytes());
            } else if (helper == HelperKind.FTP) {
                s.newlines[d] = new KernelNewlineTracker();
            }
        }
        if (helper == HelperKind.FTP && config.mode() == HelperMode.ROBUST) {
            s.replies = new FtpReplyAssembler();
        }
        return s;
    }

    /** The helper of this master, or null when it has none. */
    public HelperKind helper() {
        return helper;
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
