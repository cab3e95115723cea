package io.ctstream.capture.synth;

/**
 * Builds Ethernet frames carrying IPv4 or IPv6 with TCP, UDP or ICMP, with valid checksums, into
 * one reused buffer.
 */
final class FrameBuilder {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    private final byte[] buf = new byte[14 + 40 + 60 + 65535];
    private int ipId;

    byte[] buffer() {
        return buf;
    }

    /** Returns the frame length. */
    int tcp(
            byte[] src,
            byte[] dst,
            int sport,
            int dport,
            long seq,
            long ack,
            int flags,
            byte[] payload,
            int plen,
            boolean synOptions) {
        int optLen = synOptions ? 12 : 0;
        int l4Len = 20 + optLen + plen;
        int l4 = ip(src, dst, 6, l4Len);
        put16(l4, sport);
        put16(l4 + 2, dport);
        put32(l4 + 4, seq);
        put32(l4 + 8, ack);
        buf[l4 + 12] = (byte) (((20 + optLen) / 4) << 4);
        buf[l4 + 13] = (byte) flags;
        put16(l4 + 14, 64240);
        put16(l4 + 16, 0);
        put16(l4 + 18, 0);
        if (synOptions) { // MSS 1460, SACK permitted, NOP, window scale 7, NOP NOP
            byte[] o = {2, 4, 0x05, (byte) 0xb4, 4, 2, 1, 3, 3, 7, 1, 1};
            System.arraycopy(o, 0, buf, l4 + 20, o.length);
        }
        if (plen > 0) {
            System.arraycopy(payload, 0, buf, l4 + 20 + optLen, plen);
        }
        put16(l4 + 16, l4Checksum(src, dst, 6, l4, l4Len));
        return l4 + l4Len;
    }

    int udp(byte[] src, byte[] dst, int sport, int dport, byte[] payload, int plen) {
        int l4Len = 8 + plen;
        int l4 = ip(src, dst, 17, l4Len);
        put16(l4, sport);
        put16(l4 + 2, dport);
        put16(l4 + 4, l4Len);
        put16(l4 + 6, 0);
        System.arraycopy(payload, 0, buf, l4 + 8, plen);
        int c = l4Checksum(src, dst, 17, l4, l4Len);
        put16(l4 + 6, c == 0 ? 0xffff : c);
        return l4 + l4Len;
    }

    /** ICMP (IPv4) or ICMPv6 echo request/reply. */
    int echo(byte[] src, byte[] dst, boolean request, int id, int seq, int dataLen) {
        boolean v6 = src.length == 16;
        int l4Len = 8 + dataLen;
        int l4 = ip(src, dst, v6 ? 58 : 1, l4Len);
        buf[l4] = (byte) (v6 ? (request ? 128 : 129) : (request ? 8 : 0));
        buf[l4 + 1] = 0;
        put16(l4 + 2, 0);
        put16(l4 + 4, id);
        put16(l4 + 6, seq);
        for (int i = 0; i < dataLen; i++) {
            buf[l4 + 8 + i] = (byte) (0x10 + i);
        }
        put16(l4 + 2, v6 ? l4Checksum(src, dst, 58, l4, l4Len) : checksum(l4, l4Len, 0));
        return l4 + l4Len;
    }

    /** Ethernet + IP header; returns the layer-4 offset. */
    private int ip(byte[] src, byte[] dst, int proto, int l4Len) {
        for (int i = 0; i < 12; i++) {
            buf[i] = (byte) (i < 6 ? 0x02 : 0x04);
        }
        if (src.length == 4) {
            put16(12, 0x0800);
            int o = 14;
            buf[o] = 0x45;
            buf[o + 1] = 0;
            put16(o + 2, 20 + l4Len);
            put16(o + 4, ipId++ & 0xffff);
            put16(o + 6, 0x4000);
            buf[o + 8] = 64;
            buf[o + 9] = (byte) proto;
            put16(o + 10, 0);
            System.arraycopy(src, 0, buf, o + 12, 4);
            System.arraycopy(dst, 0, buf, o + 16, 4);
            put16(o + 10, checksum(o, 20, 0));
            return o + 20;
        }
        put16(12, 0x86DD);
        int o = 14;
        buf[o] = 0x60;
        buf[o + 1] = 0;
        buf[o + 2] = 0;
        buf[o + 3] = 0;
        put16(o + 4, l4Len);
        buf[o + 6] = (byte) proto;
        buf[o + 7] = 64;
        System.arraycopy(src, 0, buf, o + 8, 16);
        System.arraycopy(dst, 0, buf, o + 24, 16);
        return o + 40;
    }

    private int l4Checksum(byte[] src, byte[] dst, int proto, int l4, int l4Len) {
        long sum = 0;
        for (int i = 0; i < src.length; i += 2) {
            sum +=
                    ((src[i] & 0xff) << 8 | (src[i + 1] & 0xff))
                            + ((dst[i] & 0xff) << 8 | (dst[i + 1] & 0xff));
        }
        sum += proto + l4Len;
        return checksum(l4, l4Len, sum);
    }

    private int checksum(int off, int len, long initial) {
        long sum = initial;
        int i = off;
        for (; i + 1 < off + len; i += 2) {
            sum += (buf[i] & 0xff) << 8 | (buf[i + 1] & 0xff);
        }
        if (i < off + len) {
            sum += (buf[i] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private void put16(int off, int v) {
        buf[off] = (byte) (v >>> 8);
        buf[off + 1] = (byte) v;
    }

    private void put32(int off, long v) {
        put16(off, (int) (v >>> 16) & 0xffff);
        put16(off + 2, (int) v & 0xffff);
    }
}
