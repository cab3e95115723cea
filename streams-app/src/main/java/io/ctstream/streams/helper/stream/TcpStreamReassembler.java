package io.ctstream.streams.helper.stream;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One direction of a TCP byte stream put back in order, as an IDS does it for a control channel:
 *
 * <ul>
 *   <li>in-order data is delivered at once; a SYN sets the initial sequence number, otherwise the
 *       first data segment does (mid-stream pickup);
 *   <li>retransmitted and overlapping bytes: the first copy wins (bytes already delivered or
 *       buffered are kept; differing later copies are counted as conflicts, a classic evasion
 *       sign);
 *   <li>out-of-order segments wait in a window bounded in bytes and segments; when it overflows,
 *       the hole before the earliest held segment is declared lost (a {@link StreamEvent.Gap}) and
 *       delivery resumes, so a lost segment never stalls the stream and memory stays bounded;
 *   <li>a segment whose capture was cut short ({@code wireLength > payload.length}) leaves a known
 *       hole, delivered as a Gap when its turn comes;
 *   <li>sequence numbers wrap around modulo 2^32.
 * </ul>
 *
 * The caller is expected to feed only segments the TCP tracker accepted (in window), as the kernel
 * runs helpers only on those. Mutable; {@link #writeTo}/{@link #readFrom} give a compact binary
 * form.
 */
public final class TcpStreamReassembler {

    /** A held range: data, or a known hole when {@code data} is null. */
    private record Held(long seq, byte[] data, int length) {
        long end() {
            return Seq.add(seq, length);
        }
    }

    private final int maxHeldBytes;
    private final int maxHeldSegments;

    private boolean initialized;
    private long nextSeq;

    /** Sorted by distance from nextSeq; all strictly after nextSeq; never overlapping. */
    private final List<Held> held = new ArrayList<>();

    private int heldBytes;

    private long deliveredBytes;
    private long retransmittedBytes;
    private long conflictingBytes;
    private long gapBytes;
    private long gaps;
    private long overflows;

    public TcpStreamReassembler(int maxHeldBytes, int maxHeldSegments) {
        if (maxHeldBytes < 1 || maxHeldSegments < 1) {
            throw new IllegalArgumentException("window bounds must be positive");
        }
        this.maxHeldBytes = maxHeldBytes;
        this.maxHeldSegments = maxHeldSegments;
    }

    /** Feeds one segment; returns what became deliverable, in order. */
    public List<StreamEvent> accept(long seq, boolean syn, byte[] payload) {
        return accept(seq, syn, payload, payload.length);
    }

    /**
     * Feeds one segment.
     *
     * @param wireLength the payload length on the wire; more than {@code payload.length} when the
     *     capture cut it, the missing tail then being a known hole
     */
    public List<StreamEvent> accept(long seq, boolean syn, byte[] payload, int wireLength) {
        long dataSeq = syn ? Seq.add(seq, 1) : seq & 0xffffffffL;
        if (!initialized && (syn || wireLength > 0)) {
            initialized = true;
            nextSeq = dataSeq;
        }
        List<StreamEvent> out = new ArrayList<>();
        if (wireLength <= 0) {
            return out;
        }
        int kept = Math.min(payload.length, wireLength);
        if (kept > 0) {
            insert(dataSeq, kept == payload.length ? payload : Arrays.copyOf(payload, kept), kept);
        }
        if (wireLength > kept) {
            insert(Seq.add(dataSeq, kept), null, wireLength - kept);
        }
        drain(out);
        while (heldBytes > maxHeldBytes || held.size() > maxHeldSegments) {
            // overflow: give up on the hole before the earliest held range
            Held first = held.get(0);
            overflows++;
            skipTo(first.seq, out);
            drain(out);
        }
        return out;
    }

    /**
     * The peer acknowledged everything before {@code ack}: it has received every byte before it, so
     * a hole there that the sensor missed will never be captured. When the acknowledgement reaches
     * into data held after such a hole, the hole is declared lost at once (a {@link
     * StreamEvent.Gap}, as Zeek's "ACK above hole") and delivery resumes, instead of waiting for
     * the window to overflow, which a quiet control channel never does. An acknowledgement of data
     * not captured yet with nothing held after it declares nothing: the data may still come
     * (another sensor's copy, reordering); the next acknowledgement past held data settles it.
     */
    public List<StreamEvent> acknowledged(long ack) {
        List<StreamEvent> out = new ArrayList<>();
        ack &= 0xffffffffL;
        while (initialized && !held.isEmpty() && Seq.after(ack, held.get(0).seq)) {
            skipTo(held.get(0).seq, out);
            drain(out);
        }
        return out;
    }

    private void insert(long seq, byte[] data, int length) {
        int off = Seq.distance(nextSeq, seq);
        long end = (long) off + length;
        if (end <= 0) {
            retransmittedBytes += length;
            return;
        }
        int start = 0;
        if (off < 0) {
            retransmittedBytes += -off;
            start = -off;
            off = 0;
        }
        // walk the held ranges, keep what they already cover (first copy wins), insert the
        // uncovered pieces
        int pos = start; // position in the new segment
        int i = 0;
        while (pos < length) {
            int posOff = off + (pos - start);
            while (i < held.size() && Seq.distance(nextSeq, held.get(i).end()) <= posOff) {
                i++;
            }
            if (i < held.size()) {
                Held h = held.get(i);
                int hOff = Seq.distance(nextSeq, h.seq);
                if (hOff <= posOff) {
                    // covered by h: compare, skip
                    int covered = Math.min(length - pos, hOff + h.length - posOff);
                    countConflicts(data, pos, h, posOff - hOff, covered);
                    retransmittedBytes += covered;
                    pos += covered;
                    continue;
                }
                int piece = Math.min(length - pos, hOff - posOff);
                addHeld(i, Seq.add(nextSeq, posOff), data, pos, piece);
                i++;
                pos += piece;
            } else {
                addHeld(i, Seq.add(nextSeq, posOff), data, pos, length - pos);
                pos = length;
            }
        }
        coalesce();
    }

    private void countConflicts(byte[] data, int pos, Held h, int hPos, int n) {
        if (data == null || h.data == null) {
            return;
        }
        for (int k = 0; k < n; k++) {
            if (data[pos + k] != h.data[hPos + k]) {
                conflictingBytes++;
            }
        }
    }

    private void addHeld(int index, long seq, byte[] data, int from, int n) {
        byte[] piece = data == null ? null : Arrays.copyOfRange(data, from, from + n);
        held.add(index, new Held(seq, piece, n));
        heldBytes += n;
    }

    /** Merges adjacent data ranges so a burst of small segments does not eat the segment budget. */
    private void coalesce() {
        for (int i = 0; i + 1 < held.size(); ) {
            Held a = held.get(i);
            Held b = held.get(i + 1);
            if (a.data != null && b.data != null && a.end() == b.seq) {
                byte[] merged = Arrays.copyOf(a.data, a.length + b.length);
                System.arraycopy(b.data, 0, merged, a.length, b.length);
                held.set(i, new Held(a.seq, merged, merged.length));
                held.remove(i + 1);
            } else {
                i++;
            }
        }
    }

    private void drain(List<StreamEvent> out) {
        while (!held.isEmpty() && held.get(0).seq == nextSeq) {
            Held h = held.remove(0);
            heldBytes -= h.length;
            if (h.data == null) {
                gaps++;
                gapBytes += h.length;
                out.add(new StreamEvent.Gap(h.seq, h.length));
            } else {
                deliveredBytes += h.length;
                out.add(new StreamEvent.Data(h.seq, h.data));
            }
            nextSeq = h.end();
        }
    }

    private void skipTo(long seq, List<StreamEvent> out) {
        int n = Seq.distance(nextSeq, seq);
        if (n > 0) {
            gaps++;
            gapBytes += n;
            out.add(new StreamEvent.Gap(nextSeq, n));
            nextSeq = seq;
        }
    }

    public boolean initialized() {
        return initialized;
    }

    /** The next sequence number expected in order. */
    public long nextSeq() {
        return nextSeq;
    }

    public int heldBytes() {
        return heldBytes;
    }

    public int heldSegments() {
        return held.size();
    }

    public long deliveredBytes() {
        return deliveredBytes;
    }

    public long retransmittedBytes() {
        return retransmittedBytes;
    }

    /** Bytes of a retransmission that differed from the copy already held. */
    public long conflictingBytes() {
        return conflictingBytes;
    }

    public long gapBytes() {
        return gapBytes;
    }

    public long gaps() {
        return gaps;
    }

    /** How many times the out-of-order window overflowed. */
    public long overflows() {
        return overflows;
    }

    /** Writes the state (not the bounds, which come from configuration). */
    public void writeTo(DataOutput out) throws IOException {
        out.writeBoolean(initialized);
        out.writeInt((int) nextSeq);
        out.writeShort(held.size());
        for (Held h : held) {
            out.writeInt((int) h.seq);
            out.writeInt(h.length);
            out.writeBoolean(h.data != null);
            if (h.data != null) {
                out.write(h.data);
            }
        }
        out.writeLong(deliveredBytes);
        out.writeLong(retransmittedBytes);
        out.writeLong(conflictingBytes);
        out.writeLong(gapBytes);
        out.writeLong(gaps);
        out.writeLong(overflows);
    }

    public static TcpStreamReassembler readFrom(DataInput in, int maxHeldBytes, int maxHeldSegments)
            throws IOException {
        TcpStreamReassembler r = new TcpStreamReassembler(maxHeldBytes, maxHeldSegments);
        r.initialized = in.readBoolean();
        r.nextSeq = in.readInt() & 0xffffffffL;
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            long seq = in.readInt() & 0xffffffffL;
            int len = in.readInt();
            if (len <= 0 || len > (1 << 24)) {
                throw new IOException("corrupt reassembly state: held length " + len);
            }
            byte[] data = null;
            if (in.readBoolean()) {
                data = new byte[len];
                in.readFully(data);
            }
            r.held.add(new Held(seq, data, len));
            r.heldBytes += len;
        }
        r.deliveredBytes = in.readLong();
        r.retransmittedBytes = in.readLong();
        r.conflictingBytes = in.readLong();
        r.gapBytes = in.readLong();
        r.gaps = in.readLong();
        r.overflows = in.readLong();
        return r;
    }
}
