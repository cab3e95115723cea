package io.ctstream.capture.decode;

import java.io.ByteArrayOutputStream;

/** Builds frames byte by byte for the decoder tests. */
public final class Frames {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static Frames frame() {
        return new Frames();
    }

    public Frames u8(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    public Frames u16(int v) {
        return u8(v >>> 8 & 0xff, v & 0xff);
    }

    public Frames u32(long v) {
        return u16((int) (v >>> 16 & 0xffff)).u16((int) (v & 0xffff));
    }

    public Frames bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    public Frames zeros(int n) {
        return bytes(new byte[n]);
    }

    public Frames ethernet(int etherType) {
        return u8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).u16(etherType);
    }

    /** An IPv4 header without options: total length counts the header. */
    public Frames ipv4(int totalLength, int protocol, int flagsFrag, byte[] src, byte[] dst) {
        return u8(0x45, 0)
                .u16(totalLength)
                .u16(0x1234)
                .u16(flagsFrag)
                .u8(64, protocol)
                .u16(0)
                .bytes(src)
                .bytes(dst);
    }

    public Frames ipv6(int payloadLength, int nextHeader, byte[] src, byte[] dst) {
        return u8(0x60, 0, 0, 0).u16(payloadLength).u8(nextHeader, 55).bytes(src).bytes(dst);
    }

    public Frames tcp(int sport, int dport, long seq, long ack, int flags, byte[] options) {
        int doff = (20 + options.length) / 4;
        return u16(sport)
                .u16(dport)
                .u32(seq)
                .u32(ack)
                .u8(doff << 4, flags)
                .u16(29200)
                .u16(0)
                .u16(0)
                .bytes(options);
    }

    public Frames udp(int sport, int dport, int length) {
        return u16(sport).u16(dport).u16(length).u16(0);
    }

    public byte[] build() {
        return out.toByteArray();
    }

    public static byte[] v4(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    public static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[1] = 0x77;
        a[15] = (byte) last;
        return a;
    }
}
