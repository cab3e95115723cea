package io.ctstream.capture.file;

/**
 * One frame read from a capture file or a live source. Reused from frame to frame: {@link #data()}
 * is valid until the next read into this object.
 */
public final class CapturedFrame {
    byte[] data = new byte[2048];
    int capturedLength;
    int originalLength;
    long timestampNanos;
    int linkType;
    int interfaceId;
    String interfaceName;
    long fileOffset;

    public byte[] data() {
        return data;
    }

    public int capturedLength() {
        return capturedLength;
    }

    /** Length on the wire; at least {@link #capturedLength()}. */
    public int originalLength() {
        return originalLength;
    }

    /** Capture time in nanoseconds since the Unix epoch. */
    public long timestampNanos() {
        return timestampNanos;
    }

    public long timestampMicros() {
        return Math.floorDiv(timestampNanos, 1000L);
    }

    public int linkType() {
        return linkType;
    }

    /** Index of the pcapng interface (0 for pcap and live sources). */
    public int interfaceId() {
        return interfaceId;
    }

    /** Interface name when the file or source names it, else null. */
    public String interfaceName() {
        return interfaceName;
    }

    /** Byte offset in the file of the record this frame came from (0 for live frames). */
    public long fileOffset() {
        return fileOffset;
    }

    /** Makes room for {@code n} bytes of data (keeps no content). */
    byte[] ensureCapacity(int n) {
        if (data.length < n) {
            data = new byte[Math.max(n, data.length * 2)];
        }
        return data;
    }

    /** Fills the frame from a live source; the bytes are copied into the reused buffer. */
    public void set(
            byte[] bytes,
            int length,
            int originalLength,
            long timestampNanos,
            int linkType,
            int interfaceId,
            String interfaceName) {
        System.arraycopy(bytes, 0, ensureCapacity(length), 0, length);
        this.capturedLength = length;
        this.originalLength = Math.max(originalLength, length);
        this.timestampNanos = timestampNanos;
        this.linkType = linkType;
        this.interfaceId = interfaceId;
        this.interfaceName = interfaceName;
        this.fileOffset = 0;
    }
}
