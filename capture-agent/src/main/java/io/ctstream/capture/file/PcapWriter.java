package io.ctstream.capture.file;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams frames into a classic little-endian pcap file (microsecond timestamps); constant memory.
 */
public final class PcapWriter implements Closeable {
    private final OutputStream out;
    private final byte[] header = new byte[16];
    private long packets;

    public PcapWriter(Path file, int linkType, int snaplen) throws IOException {
        this(Files.newOutputStream(file), linkType, snaplen);
    }

    public PcapWriter(OutputStream target, int linkType, int snaplen) throws IOException {
        this.out = new BufferedOutputStream(target, 1 << 16);
        byte[] h = new byte[24];
        putInt(h, 0, PcapReader.MAGIC_MICROS);
        h[4] = 2;
        h[6] = 4;
        putInt(h, 16, snaplen);
        putInt(h, 20, linkType);
        out.write(h);
    }

    /** Writes one frame captured at {@code timestampMicros}. */
    public void write(long timestampMicros, byte[] frame, int offset, int length)
            throws IOException {
        putInt(header, 0, (int) (timestampMicros / 1_000_000L));
        putInt(header, 4, (int) (timestampMicros % 1_000_000L));
        putInt(header, 8, length);
        putInt(header, 12, length);
        out.write(header);
        out.write(frame, offset, length);
        packets++;
    }

    public long packets() {
        return packets;
    }

    /** Pushes buffered frames to the underlying stream without closing it. */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
