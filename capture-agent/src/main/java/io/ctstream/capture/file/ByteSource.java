package io.ctstream.capture.file;

import java.io.IOException;
import java.io.InputStream;

/** A buffered input stream that knows its byte offset and tells a clean EOF from a short read. */
final class ByteSource {
    private final InputStream in;
    private long position;

    ByteSource(InputStream in) {
        this.in = in;
    }

    long position() {
        return position;
    }

    /** Reads up to {@code n} bytes; returns how many were read (fewer only at end of file). */
    int read(byte[] b, int off, int n) throws IOException {
        int got = in.readNBytes(b, off, n);
        position += got;
        return got;
    }

    /** Skips exactly {@code n} bytes; returns how many were skipped (fewer only at end of file). */
    long skip(long n) throws IOException {
        long done = 0;
        byte[] scratch = null;
        while (done < n) {
            long s = in.skip(n - done);
            if (s <= 0) {
                if (scratch == null) {
                    scratch = new byte[8192];
                }
                int r = in.read(scratch, 0, (int) Math.min(scratch.length, n - done));
                if (r < 0) {
                    break;
                }
                s = r;
            }
            done += s;
        }
        position += done;
        return done;
    }

    void close() throws IOException {
        in.close();
    }

    static int int32(byte[] b, int off, boolean bigEndian) {
        if (bigEndian) {
            return (b[off] & 0xff) << 24
                    | (b[off + 1] & 0xff) << 16
                    | (b[off + 2] & 0xff) << 8
                    | (b[off + 3] & 0xff);
        }
        return (b[off + 3] & 0xff) << 24
                | (b[off + 2] & 0xff) << 16
                | (b[off + 1] & 0xff) << 8
                | (b[off] & 0xff);
    }

    static long uint32(byte[] b, int off, boolean bigEndian) {
        return int32(b, off, bigEndian) & 0xffffffffL;
    }

    static int uint16(byte[] b, int off, boolean bigEndian) {
        return bigEndian
                ? (b[off] & 0xff) << 8 | (b[off + 1] & 0xff)
                : (b[off + 1] & 0xff) << 8 | (b[off] & 0xff);
    }
}
