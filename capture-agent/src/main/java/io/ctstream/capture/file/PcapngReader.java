package io.ctstream.capture.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * pcapng: sections (SHB, each with its own byte order) holding interface descriptions (IDB, each
 * with its link type, snaplen, if_tsresol and if_tsoffset) and packets (EPB, SPB, and the obsolete
 * PB). Other block types are skipped.
 */
final class PcapngReader implements CaptureFileReader {
    static final int SHB = 0x0A0D0D0A;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int IDB = 1;
    private static final int PB = 2;
    private static final int SPB = 3;
    private static final int EPB = 6;

    /** A packet-carrying block above this size is treated as corruption rather than allocated. */
    static final int MAX_BLOCK = 16 * 1024 * 1024 + 64;

    private final Path file;
    private final ByteSource in;
    private final List<Interface> interfaces = new ArrayList<>();
    private final byte[] head = new byte[12];
    private byte[] body = new byte[4096];
    private boolean bigEndian;
    private byte[] pendingMagic;

    /** One IDB of the current section. */
    private static final class Interface {
        final int linkType;
        final long snaplen;
        final String name;
        final boolean binaryResolution;
        final int resolutionExponent;
        final long offsetSeconds;

        Interface(
                int linkType,
                long snaplen,
                String name,
                boolean binaryResolution,
                int resolutionExponent,
                long offsetSeconds) {
            this.linkType = linkType;
            this.snaplen = snaplen;
            this.name = name;
            this.binaryResolution = binaryResolution;
            this.resolutionExponent = resolutionExponent;
            this.offsetSeconds = offsetSeconds;
        }

        /** Converts a timestamp in this interface's units to nanoseconds since the epoch. */
        long toNanos(long units) {
            long nanos;
            if (binaryResolution) {
                int e = resolutionExponent;
                long secs = e >= 64 ? 0 : units >>> e;
                long frac = e >= 64 ? units : units & ((1L << e) - 1);
                long fracNanos =
                        e <= 33
                                ? (frac * 1_000_000_000L) >>> e
                                : (long) (frac / Math.pow(2, e) * 1e9);
                nanos = secs * 1_000_000_000L + fracNanos;
            } else {
                int e = resolutionExponent;
                if (e <= 9) {
                    nanos = units * POW10[9 - e];
                } else {
                    nanos = units / POW10[e - 9];
                }
            }
            return nanos + offsetSeconds * 1_000_000_000L;
        }
    }

    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    PcapngReader(Path file, ByteSource in, byte[] magic) {
        this.file = file;
        this.in = in;
        this.pendingMagic = magic.clone();
    }

    /**
     * The link types of the current section's interfaces described so far (all of them, once a
     * packet was read).
     */
    List<Integer> linkTypes() {
        return interfaces.stream().map(i -> i.linkType).distinct().toList();
    }

    @Override
    public boolean next(CapturedFrame f) throws IOException {
        while (true) {
            long start = in.position() - (pendingMagic != null ? 4 : 0);
            int got;
            if (pendingMagic != null) {
                System.arraycopy(pendingMagic, 0, head, 0, 4);
                pendingMagic = null;
                got = 4 + in.read(head, 4, 4);
            } else {
                got = in.read(head, 0, 8);
            }
            if (got == 0) {
                return false;
            }
            if (got < 8) {
                throw CaptureFileException.truncated(
                        file, start, "truncated pcapng block header (" + got + " of 8 bytes)");
            }
            int type = ByteSource.int32(head, 0, bigEndian);
            if (type == SHB) {
                readSectionHeader(start);
                continue;
            }
            if (interfaces.isEmpty() && start == 0) {
                throw new CaptureFileException(
                        file, 0, "pcapng file does not start with a section header block");
            }
            long total = ByteSource.uint32(head, 4, bigEndian);
            if (total < 12 || total % 4 != 0) {
                throw new CaptureFileException(
                        file, start, "corrupt pcapng block: total length " + total);
            }
            int bodyLen;
            if (type != EPB && type != SPB && type != PB && type != IDB) {
                // Not ours: skip body, check the trailing length.
                long skip = total - 12;
                if (in.skip(skip) < skip) {
                    throw CaptureFileException.truncated(
                            file, start, "truncated pcapng block (type " + type + ")");
                }
                readTrailer(start, total);
                continue;
            }
            if (total > MAX_BLOCK) {
                throw new CaptureFileException(
                        file,
                        start,
                        "corrupt pcapng block: total length "
                                + total
                                + " exceeds the limit "
                                + MAX_BLOCK);
            }
            bodyLen = (int) total - 12;
            readBody(start, bodyLen, total);
            if (type == IDB) {
                readInterface(start, bodyLen);
                continue;
            }
            readPacket(type, start, bodyLen, f);
            return true;
        }
    }

    private void readBody(long start, int bodyLen, long total) throws IOException {
        if (body.length < bodyLen) {
            body = new byte[Math.max(bodyLen, body.length * 2)];
        }
        if (in.read(body, 0, bodyLen) < bodyLen) {
            throw CaptureFileException.truncated(
                    file, start, "truncated pcapng block (" + total + " bytes announced)");
        }
        readTrailer(start, total);
    }

    private void readTrailer(long start, long total) throws IOException {
        if (in.read(head, 8, 4) < 4) {
            throw CaptureFileException.truncated(file, start, "truncated pcapng block trailer");
        }
        long trailer = ByteSource.uint32(head, 8, bigEndian);
        if (trailer != total) {
            throw new CaptureFileException(
                    file,
                    start,
                    "corrupt pcapng block: trailing length "
                            + trailer
                            + " differs from leading length "
                            + total);
        }
    }

    private void readSectionHeader(long start) throws IOException {
        byte[] magic = new byte[4];
        if (in.read(magic, 0, 4) < 4) {
            throw CaptureFileException.truncated(file, start, "truncated pcapng section header");
        }
        if (ByteSource.int32(magic, 0, true) == BYTE_ORDER_MAGIC) {
            bigEndian = true;
        } else if (ByteSource.int32(magic, 0, false) == BYTE_ORDER_MAGIC) {
            bigEndian = false;
        } else {
            throw new CaptureFileException(
                    file, start + 8, "corrupt pcapng section header: bad byte-order magic");
        }
        long total = ByteSource.uint32(head, 4, bigEndian);
        if (total < 28 || total % 4 != 0 || total > MAX_BLOCK) {
            throw new CaptureFileException(
                    file, start, "corrupt pcapng section header: total length " + total);
        }
        int rest = (int) total - 16; // after type, length and magic; trailer read separately
        if (body.length < rest) {
            body = new byte[rest];
        }
        if (in.read(body, 0, rest) < rest) {
            throw CaptureFileException.truncated(file, start, "truncated pcapng section header");
        }
        readTrailer(start, total);
        int major = ByteSource.uint16(body, 0, bigEndian);
        if (major != 1) {
            throw new CaptureFileException(file, start + 12, "unsupported pcapng version " + major);
        }
        interfaces.clear();
    }

    private void readInterface(long start, int bodyLen) throws CaptureFileException {
        if (bodyLen < 8) {
            throw new CaptureFileException(
                    file, start, "corrupt pcapng interface description: too short");
        }
        int linkType = ByteSource.uint16(body, 0, bigEndian);
        long snaplen = ByteSource.uint32(body, 4, bigEndian);
        String name = null;
        boolean binary = false;
        int exponent = 6;
        long offsetSeconds = 0;
        int p = 8;
        while (p + 4 <= bodyLen) {
            int code = ByteSource.uint16(body, p, bigEndian);
            int len = ByteSource.uint16(body, p + 2, bigEndian);
            if (code == 0) {
                break;
            }
            if (p + 4 + len > bodyLen) {
                throw new CaptureFileException(
                        file,
                        start + 8 + p,
                        "corrupt pcapng option: length " + len + " runs past its block");
            }
            int v = p + 4;
            if (code == 2) {
                name = new String(body, v, len, StandardCharsets.UTF_8);
            } else if (code == 9 && len >= 1) {
                int r = body[v] & 0xff;
                binary = (r & 0x80) != 0;
                exponent = r & 0x7f;
                if (!binary && exponent > 18) {
                    throw new CaptureFileException(
                            file, start + 8 + p, "unsupported if_tsresol 10^-" + exponent);
                }
            } else if (code == 14 && len >= 8) {
                long hi = ByteSource.uint32(body, v, bigEndian);
                long lo = ByteSource.uint32(body, v + 4, bigEndian);
                offsetSeconds = bigEndian ? (hi << 32 | lo) : (lo << 32 | hi);
            }
            p += 4 + ((len + 3) & ~3);
        }
        interfaces.add(new Interface(linkType, snaplen, name, binary, exponent, offsetSeconds));
    }

    private Interface iface(long start, long id) throws CaptureFileException {
        if (id < 0 || id >= interfaces.size()) {
            throw new CaptureFileException(
                    file,
                    start,
                    "packet refers to interface "
                            + id
                            + " but the section describes "
                            + interfaces.size());
        }
        return interfaces.get((int) id);
    }

    private void readPacket(int type, long start, int bodyLen, CapturedFrame f)
            throws CaptureFileException {
        Interface itf;
        int dataOff;
        long capLen;
        long origLen;
        long ts = 0;
        if (type == EPB || type == PB) {
            if (bodyLen < 20) {
                throw new CaptureFileException(
                        file, start, "corrupt pcapng packet block: too short");
            }
            itf =
                    iface(
                            start,
                            type == EPB
                                    ? ByteSource.uint32(body, 0, bigEndian)
                                    : ByteSource.uint16(body, 0, bigEndian));
            long hi = ByteSource.uint32(body, 4, bigEndian);
            long lo = ByteSource.uint32(body, 8, bigEndian);
            ts = hi << 32 | lo;
            capLen = ByteSource.uint32(body, 12, bigEndian);
            origLen = ByteSource.uint32(body, 16, bigEndian);
            dataOff = 20;
            if (capLen > bodyLen - 20) {
                throw new CaptureFileException(
                        file,
                        start,
                        "corrupt pcapng packet block: captured length "
                                + capLen
                                + " exceeds the block");
            }
        } else { // SPB: interface 0, no timestamp, captured length implied
            if (bodyLen < 4) {
                throw new CaptureFileException(
                        file, start, "corrupt pcapng simple packet block: too short");
            }
            itf = iface(start, 0);
            origLen = ByteSource.uint32(body, 0, bigEndian);
            dataOff = 4;
            capLen = Math.min(origLen, bodyLen - 4L);
            if (itf.snaplen > 0) {
                capLen = Math.min(capLen, itf.snaplen);
            }
        }
        int n = (int) capLen;
        System.arraycopy(body, dataOff, f.ensureCapacity(n), 0, n);
        f.capturedLength = n;
        f.originalLength = (int) Math.min(Integer.MAX_VALUE, Math.max(origLen, capLen));
        f.timestampNanos = type == SPB ? 0 : itf.toNanos(ts);
        f.linkType = itf.linkType;
        f.interfaceId = type == SPB ? 0 : interfaces.indexOf(itf);
        f.interfaceName = itf.name;
        f.fileOffset = start;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public String format() {
        return "pcapng";
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
