package io.ctstream.capture.file;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-built pcap and pcapng files in either byte order, for the reader tests. */
final class CaptureBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean bigEndian;

    CaptureBytes(boolean bigEndian) {
        this.bigEndian = bigEndian;
    }

    CaptureBytes u16(int v) {
        if (bigEndian) {
            out.write(v >>> 8);
            out.write(v);
        } else {
            out.write(v);
            out.write(v >>> 8);
        }
        return this;
    }

    CaptureBytes u32(long v) {
        if (bigEndian) {
            u16((int) (v >>> 16)).u16((int) v);
        } else {
            u16((int) v).u16((int) (v >>> 16));
        }
        return this;
    }

    CaptureBytes bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    CaptureBytes pad4(int len) {
        for (int i = len; i % 4 != 0; i++) {
            out.write(0);
        }
        return this;
    }

    byte[] build() {
        return out.toByteArray();
    }

    // ---- pcap

    CaptureBytes pcapHeader(long magic, int linkType) {
        return u32(magic).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(linkType);
    }

    CaptureBytes pcapRecord(long sec, long frac, byte[] frame) {
        return u32(sec).u32(frac).u32(frame.length).u32(frame.length).bytes(frame);
    }

    // ---- pcapng

    CaptureBytes shb() {
        return u32(0x0A0D0D0A)
                .u32(28)
                .u32(0x1A2B3C4D)
                .u16(1)
                .u16(0)
                .u32(0xffffffffL)
                .u32(0xffffffffL)
                .u32(28);
    }

    /** IDB with if_name and, when tsresol >= 0, if_tsresol. */
    CaptureBytes idb(int linkType, String name, int tsresol) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int nameOpt = 4 + ((n.length + 3) & ~3);
        int resOpt = tsresol >= 0 ? 8 : 0;
        int total = 20 + nameOpt + resOpt + 4;
        u32(1).u32(total).u16(linkType).u16(0).u32(0);
        u16(2).u16(n.length).bytes(n).pad4(n.length);
        if (tsresol >= 0) {
            u16(9).u16(1);
            out.write(tsresol);
            pad4(1);
        }
        return u16(0).u16(0).u32(total);
    }

    CaptureBytes epb(int ifId, long ts, byte[] frame) {
        int total = 32 + ((frame.length + 3) & ~3);
        return u32(6).u32(total)
                .u32(ifId)
                .u32(ts >>> 32)
                .u32(ts & 0xffffffffL)
                .u32(frame.length)
                .u32(frame.length)
                .bytes(frame)
                .pad4(frame.length)
                .u32(total);
    }

    CaptureBytes spb(byte[] frame) {
        int total = 16 + ((frame.length + 3) & ~3);
        return u32(3).u32(total).u32(frame.length).bytes(frame).pad4(frame.length).u32(total);
    }

    /** A block type the reader does not know (here a name resolution block). */
    CaptureBytes unknownBlock() {
        return u32(4).u32(16).u32(0).u32(16);
    }
}
