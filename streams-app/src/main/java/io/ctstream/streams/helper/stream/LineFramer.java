package io.ctstream.streams.helper.stream;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a reassembled control stream into lines: a line ends at '\n', and one '\r' before it is
 * stripped. The partial line is bounded (4 KiB by default, Zeek's limit): a line that grows past it
 * is reported once as an {@link FramerEvent.Overflow} and discarded up to its newline. A gap in the
 * stream discards the partial line too, since its middle is missing. Mutable; {@link
 * #writeTo}/{@link #readFrom} serialize it.
 */
public final class LineFramer {

    /** What the framer produces. */
    public sealed interface FramerEvent {
        /**
         * A complete line without its terminator; {@code startSeq} is the sequence number of its
         * first byte.
         */
        record Line(long startSeq, byte[] bytes) implements FramerEvent {}

        /**
         * A line exceeded {@code limit} bytes; {@code prefix} holds its first bytes as evidence.
         */
        record Overflow(long startSeq, int limit, byte[] prefix) implements FramerEvent {}
    }

    /** Bytes of an overflowing line kept as evidence. */
    static final int EVIDENCE_BYTES = 64;

    private final int maxLineBytes;
    private byte[] buf = new byte[64];
    private int len;
    private long lineStartSeq;
    private boolean lineStarted;

    /** Inside an overflowing or gap-damaged line: drop bytes up to the next '\n'. */
    private boolean discarding;

    private long lines;
    private long overflows;
    private long discardedBytes;

    public LineFramer(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Feeds contiguous bytes whose first byte has sequence number {@code seq}. */
    public List<FramerEvent> feed(long seq, byte[] data) {
        List<FramerEvent> out = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (discarding) {
                discardedBytes++;
                if (b == '\n') {
                    discarding = false;
                }
                continue;
            }
            if (!lineStarted) {
                lineStarted = true;
                lineStartSeq = Seq.add(seq, i);
            }
            if (b == '\n') {
                int n = len > 0 && buf[len - 1] == '\r' ? len - 1 : len;
                out.add(new FramerEvent.Line(lineStartSeq, Arrays.copyOf(buf, n)));
                lines++;
                reset();
                continue;
            }
            if (len == maxLineBytes) {
                out.add(
                        new FramerEvent.Overflow(
                                lineStartSeq,
                                maxLineBytes,
                                Arrays.copyOf(buf, Math.min(len, EVIDENCE_BYTES))));
                overflows++;
                discardedBytes += len + 1;
                reset();
                discarding = true;
                continue;
            }
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(maxLineBytes, buf.length * 2));
            }
            buf[len++] = b;
        }
        return out;
    }

    /**
     * Bytes are missing from the stream: the current partial line is incomplete, drop it and resync
     * at '\n'.
     */
    public void gap() {
        discardedBytes += len;
        reset();
        // the lost bytes may have begun a line: only a newline proves where the next one starts
        discarding = true;
    }

    private void reset() {
        len = 0;
        lineStarted = false;
        if (buf.length > 256) {
            buf = new byte[64];
        }
    }

    /** Bytes of the line not yet terminated. */
    public int pendingBytes() {
        return len;
    }

    public boolean discarding() {
        return discarding;
    }

    public long lines() {
        return lines;
    }

    public long overflows() {
        return overflows;
    }

    public long discardedBytes() {
        return discardedBytes;
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(len);
        out.write(buf, 0, len);
        out.writeInt((int) lineStartSeq);
        out.writeBoolean(lineStarted);
        out.writeBoolean(discarding);
        out.writeLong(lines);
        out.writeLong(overflows);
        out.writeLong(discardedBytes);
    }

    public static LineFramer readFrom(DataInput in, int maxLineBytes) throws IOException {
        LineFramer f = new LineFramer(maxLineBytes);
        int n = in.readInt();
        if (n < 0 || n > maxLineBytes) {
            throw new IOException(
                    "corrupt line framer state: " + n + " pending bytes, limit " + maxLineBytes);
        }
        f.buf = new byte[Math.max(64, n)];
        in.readFully(f.buf, 0, n);
        f.len = n;
        f.lineStartSeq = in.readInt() & 0xffffffffL;
        f.lineStarted = in.readBoolean();
        f.discarding = in.readBoolean();
        f.lines = in.readLong();
        f.overflows = in.readLong();
        f.discardedBytes = in.readLong();
        return f;
    }
}
