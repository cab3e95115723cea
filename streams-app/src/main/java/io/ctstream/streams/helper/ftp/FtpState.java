package io.ctstream.streams.helper.ftp;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What the FTP helper remembers of one master: ROBUST mode, the server's multi-line reply in
 * progress; KERNEL mode, per direction the seq-after-newline tracker (nf_ct_ftp_master's
 * seq_aft_nl).
 */
public final class FtpState implements HelperState {

    FtpReplyAssembler replies;
    final KernelNewlineTracker[] newlines = new KernelNewlineTracker[2];

    FtpState() {}

    static FtpState create(HelperMode mode) {
        FtpState s = new FtpState();
        if (mode == HelperMode.ROBUST) {
            s.replies = new FtpReplyAssembler();
        } else {
            s.newlines[0] = new KernelNewlineTracker();
            s.newlines[1] = new KernelNewlineTracker();
        }
        return s;
    }

    /**
     * The state stored by control-channel format 1 and 2, which kept these fields in the core's
     * layout: read by the core's legacy reader and handed over here.
     */
    public static FtpState of(
            FtpReplyAssembler replies, KernelNewlineTracker original, KernelNewlineTracker reply) {
        FtpState s = new FtpState();
        s.replies = replies;
        s.newlines[Direction.ORIGINAL.ordinal()] = original;
        s.newlines[Direction.REPLY.ordinal()] = reply;
        return s;
    }

    KernelNewlineTracker newlines(Direction direction) {
        return newlines[direction.ordinal()];
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeBoolean(replies != null);
        if (replies != null) {
            replies.writeTo(out);
        }
        for (KernelNewlineTracker nl : newlines) {
            out.writeBoolean(nl != null);
            if (nl != null) {
                nl.writeTo(out);
            }
        }
    }

    static FtpState readFrom(DataInput in, HelperConfig config) throws IOException {
        FtpState s = new FtpState();
        if (in.readBoolean()) {
            s.replies = FtpReplyAssembler.readFrom(in, config.lineBufferBytes());
        }
        for (int d = 0; d < 2; d++) {
            if (in.readBoolean()) {
                s.newlines[d] = KernelNewlineTracker.readFrom(in, true);
            }
        }
        return s;
    }
}
