package io.ctstream.capture.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Classic libpcap format: a 24-byte file header (magic 0xa1b2c3d4 for microsecond or 0xa1b23c4d for
 * nanosecond timestamps, in the writer's byte order) and 16-byte record headers.
 */
final class PcapReader implements CaptureFileReader {
    static final int MAGIC_MICROS = 0xa1b2c3d4;
    static final int MAGIC_NANOS = 0xa1b23c4d;

    /** Refuse records above this: a corrupt length must not allocate gigabytes. */
    static final int MAX_RECORD = 16 * 1024 * 1024;

    private final Path file;
    private final ByteSource in;
    private final boolean bigEndian;
    private final boolean nanos;
    private final int linkType;
    private final int snaplen;
    private final byte[] header = new byte[24];

    PcapReader(Path file, ByteSource in, byte[] magic) throws IOException {
        this.file = file;
        this.in = in;
        System.arraycopy(magic, 0, header, 0, 4);
        if (in.read(header, 4, 20) != 20) {
            throw CaptureFileException.truncated(file, in.position(), "truncated pcap file header");
        }
        int be = ByteSource.int32(header, 0, true);
        int le = ByteSource.int32(header, 0, false);
        if (be == MAGIC_MICROS || be == MAGIC_NANOS) {
            bigEndian = true;
            nanos = be == MAGIC_NANOS;
        } else if (le == MAGIC_MICROS || le == MAGIC_NANOS) {
            bigEndian = false;
            nanos = le == MAGIC_NANOS;
        } else {
            throw new CaptureFileException(
                    file, 0, "not a pcap file (magic " + Integer.toHexString(be) + ")");
        }
        int major = ByteSource.uint16(header, 4, bigEndian);
        if (major != 2) {
            throw new CaptureFileException(file, 4, "unsupported pcap version " + major);
        }
        snaplen = ByteSource.int32(header, 16, bigEndian);
        // The upper bits of the link-type field carry FCS information (pcap-savefile(5)).
        linkType = ByteSource.int32(header, 20, bigEndian) & 0x03ffffff;
    }

    int linkType() {
        return linkType;
    }

    @Override
    public boolean next(CapturedFrame f) throws IOException {
        long start = in.position();
        int got = in.read(header, 0, 16);
        if (got == 0) {
            return false;
        }
        if (got < 16) {
            throw CaptureFileException.truncated(
                    file, start, "truncated pcap record header (" + got + " of 16 bytes)");
        }
        long sec = ByteSource.uint32(header, 0, bigEndian);
        long frac = ByteSource.uint32(header, 4, bigEndian);
        long incl = ByteSource.uint32(header, 8, bigEndian);
        long orig = ByteSource.uint32(header, 12, bigEndian);
        long limit = Math.max(MAX_RECORD, snaplen < 0 ? 0 : snaplen);
        if (incl > limit || incl > MAX_RECORD) {
            throw new CaptureFileException(
                    file,
                    start,
                    "corrupt pcap record: captured length "
                            + incl
                            + " exceeds the limit "
                            + Math.min(limit, MAX_RECORD));
        }
        int n = (int) incl;
        byte[] data = f.ensureCapacity(n);
        int read = in.read(data, 0, n);
        if (read < n) {
            throw CaptureFileException.truncated(
                    file, start, "truncated pcap record: " + read + " of " + n + " data bytes");
        }
        f.capturedLength = n;
        f.originalLength = (int) Math.min(Integer.MAX_VALUE, Math.max(orig, incl));
        f.timestampNanos = sec * 1_000_000_000L + (nanos ? frac : frac * 1000L);
        f.linkType = linkType;
        f.interfaceId = 0;
        f.interfaceName = null;
        f.fileOffset = start;
        return true;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public String format() {
        return "pcap";
    }

    @Override
    public long position() {
        return in.position();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
