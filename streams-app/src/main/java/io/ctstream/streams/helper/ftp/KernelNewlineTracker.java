package io.ctstream.streams.helper.ftp;

import io.ctstream.streams.helper.stream.Seq;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * KERNEL mode, FTP: nf_ct_ftp_master's seq_aft_nl for one direction: the sequence numbers that
 * directly follow a segment ending in '\n' (NUM_SEQ_TO_REMEMBER = 2). A segment is searched only
 * when its sequence number is one of them, so the first segment of each direction never is, and
 * neither is the second half of a split line.
 *
 * <p>It also remembers where the last segment the helper searched and let through ended. The kernel
 * searches a retransmission of that segment again (its sequence number is still one it remembers)
 * and finds the same command: it re-creates the same expectation, which replaces the live one, and
 * ignores a refused command again, silently. ctstream reports a command once, so a segment that
 * starts before that end is a copy: searched for the kernel's drop decision (a partial command is
 * dropped, and logged, every time), never reported again.
 */
public final class KernelNewlineTracker {

    static final int NUM_SEQ_TO_REMEMBER = 2;

    private final long[] seqAfterNl = new long[NUM_SEQ_TO_REMEMBER];
    private int count;
    private boolean searched;
    private long searchedEnd;

    /**
     * Whether the segment at {@code seq} starts inside data already searched and let through: a
     * retransmission.
     */
    public boolean alreadySearched(long seq) {
        return searched && Seq.before(seq, searchedEnd);
    }

    /** The helper searched a segment ending at {@code end} and let it through. */
    public void searched(long end) {
        if (!searched || Seq.after(end, searchedEnd)) {
            searchedEnd = end;
            searched = true;
        }
    }

    /** find_nl_seq. */
    public boolean followsNewline(long seq) {
        for (int i = 0; i < count; i++) {
            if (seqAfterNl[i] == seq) {
                return true;
            }
        }
        return false;
    }

    /** update_nl_seq: remember nlSeq, replacing the oldest of two only by a later one. */
    public void update(long nlSeq) {
        for (int i = 0; i < count; i++) {
            if (seqAfterNl[i] == nlSeq) {
                return;
            }
        }
        if (count < NUM_SEQ_TO_REMEMBER) {
            seqAfterNl[count++] = nlSeq;
        } else {
            int oldest = Seq.before(seqAfterNl[0], seqAfterNl[1]) ? 0 : 1;
            if (Seq.after(nlSeq, seqAfterNl[oldest])) {
                seqAfterNl[oldest] = nlSeq;
            }
        }
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(count);
        for (int i = 0; i < count; i++) {
            out.writeInt((int) seqAfterNl[i]);
        }
        out.writeBoolean(searched);
        out.writeInt((int) searchedEnd);
    }

    /**
     * @param withSearched whether the state has the searched end (format 2 of the control-channel
     *     state on)
     */
    public static KernelNewlineTracker readFrom(DataInput in, boolean withSearched)
            throws IOException {
        KernelNewlineTracker t = new KernelNewlineTracker();
        int n = in.readUnsignedByte();
        if (n > NUM_SEQ_TO_REMEMBER) {
            throw new IOException("corrupt newline tracker: " + n + " entries");
        }
        for (int i = 0; i < n; i++) {
            t.seqAfterNl[i] = in.readInt() & 0xffffffffL;
        }
        t.count = n;
        if (withSearched) {
            t.searched = in.readBoolean();
            t.searchedEnd = in.readInt() & 0xffffffffL;
        }
        return t;
    }
}
