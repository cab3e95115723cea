package io.ctstream.capture.encode;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The packets of one flow waiting to be published as one record, already encoded: the registry
 * header and the first packet's fields, then each later packet as an item of {@code following}
 * ({@link PacketRecordEncoder#start}, {@link PacketRecordEncoder#append}, {@link
 * PacketRecordEncoder#finish}). Keeps its own bytes, never the frame's (the reader reuses frame
 * buffers). Reusable: {@link #start} of the encoder resets it.
 */
public final class PacketBatch {
    private byte[] buf;
    private int length;
    private int firstEnd;
    private int packets;
    private byte[] key;
    private ByteBuffer flowId;
    private long firstMicros;
    private long openedNanos;

    public PacketBatch(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    /**
     * Makes room for {@code more} bytes after {@code at} (keeping what is before) and returns the
     * buffer.
     */
    byte[] reserve(int at, int more) {
        if (buf.length < at + more) {
            buf = Arrays.copyOf(buf, Math.max(at + more, buf.length * 2));
        }
        return buf;
    }

    void opened(byte[] key, long firstMicros, int length) {
        this.key = key;
        this.flowId = ByteBuffer.wrap(key);
        this.firstMicros = firstMicros;
        this.firstEnd = length;
        this.length = length;
        this.packets = 1;
    }

    void appended(int length) {
        this.length = length;
        packets++;
    }

    byte[] buffer() {
        return buf;
    }

    /** End of the header and the first packet's fields: where {@code following} goes. */
    int firstEnd() {
        return firstEnd;
    }

    /** Encoded bytes held (the record is this plus the array's count and end, at most 11 bytes). */
    public int length() {
        return length;
    }

    /** Bytes this batch keeps allocated. */
    public int capacity() {
        return buf.length;
    }

    /** Packets in the batch, the first one included. */
    public int packets() {
        return packets;
    }

    /** The record key: the canonical flow key bytes of every packet in the batch. */
    public byte[] key() {
        return key;
    }

    /** The key as a map key (content equality). */
    public ByteBuffer flowId() {
        return flowId;
    }

    /** Capture time of the first packet, µs: the record's timestamp and the start of its age. */
    public long firstMicros() {
        return firstMicros;
    }

    /**
     * Wall clock ({@code System.nanoTime}) when the batch was opened, for the idle flush of live
     * capture.
     */
    public long openedNanos() {
        return openedNanos;
    }

    public void openedNanos(long nanos) {
        openedNanos = nanos;
    }
}
