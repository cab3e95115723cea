package io.ctstream.capture.synth;

import static io.ctstream.capture.synth.FrameBuilder.ACK;
import static io.ctstream.capture.synth.FrameBuilder.FIN;
import static io.ctstream.capture.synth.FrameBuilder.PSH;
import static io.ctstream.capture.synth.FrameBuilder.RST;
import static io.ctstream.capture.synth.FrameBuilder.SYN;

import java.util.Arrays;
import java.util.List;

/**
 * One synthetic TCP connection: appends its segments (with consistent seq/ack) to a session's
 * packet list.
 */
final class TcpConnection {
    static final int MSS = 1448;
    private final byte[] client;
    private final byte[] server;
    private final int cport;
    private final int sport;
    private long cseq;
    private long sseq;

    /** Bulk segments sent since the receiver's last ACK. */
    private int unacked;

    TcpConnection(
            byte[] client, int cport, byte[] server, int sport, long clientIsn, long serverIsn) {
        this.client = client;
        this.server = server;
        this.cport = cport;
        this.sport = sport;
        this.cseq = clientIsn & 0xffffffffL;
        this.sseq = serverIsn & 0xffffffffL;
    }

    private Pkt seg(boolean fromClient, int flags, byte[] data, boolean synOpts) {
        return fromClient
                ? new Pkt(
                        Pkt.Kind.TCP,
                        client,
                        server,
                        cport,
                        sport,
                        cseq,
                        (flags & ACK) != 0 ? sseq : 0,
                        flags,
                        data,
                        synOpts)
                : new Pkt(
                        Pkt.Kind.TCP,
                        server,
                        client,
                        sport,
                        cport,
                        sseq,
                        cseq,
                        flags,
                        data,
                        synOpts);
    }

    void handshake(List<Pkt> out) {
        out.add(seg(true, SYN, Synth.EMPTY, true));
        cseq = (cseq + 1) & 0xffffffffL;
        out.add(seg(false, SYN | ACK, Synth.EMPTY, true));
        sseq = (sseq + 1) & 0xffffffffL;
        out.add(seg(true, ACK, Synth.EMPTY, false));
    }

    /** A SYN answered by RST/ACK: a refused connection. */
    void refused(List<Pkt> out) {
        out.add(seg(true, SYN, Synth.EMPTY, true));
        cseq = (cseq + 1) & 0xffffffffL;
        out.add(seg(false, RST | ACK, Synth.EMPTY, false));
    }

    /** Sends {@code data} in MSS-sized segments, each acknowledged by the other side. */
    void send(boolean fromClient, byte[] data, List<Pkt> out) {
        for (int off = 0; off < data.length; off += MSS) {
            int n = Math.min(MSS, data.length - off);
            byte[] chunk =
                    off == 0 && n == data.length ? data : Arrays.copyOfRange(data, off, off + n);
            out.add(seg(fromClient, PSH | ACK, chunk, false));
            if (fromClient) {
                cseq = (cseq + n) & 0xffffffffL;
            } else {
                sseq = (sseq + n) & 0xffffffffL;
            }
            out.add(seg(!fromClient, ACK, Synth.EMPTY, false));
        }
    }

    /**
     * Sends {@code length} bytes of {@code block} (at most {@link #MSS}: one full-size segment, the
     * bulk transfer's unit) as one segment; the receiver acknowledges every second segment and the
     * last one, as a delayed-ACK receiver does.
     */
    void bulkSegment(boolean fromClient, byte[] block, int length, boolean last, List<Pkt> out) {
        byte[] chunk = length == block.length ? block : Arrays.copyOf(block, length);
        out.add(seg(fromClient, last ? PSH | ACK : ACK, chunk, false));
        if (fromClient) {
            cseq = (cseq + length) & 0xffffffffL;
        } else {
            sseq = (sseq + length) & 0xffffffffL;
        }
        if (last || ++unacked == 2) {
            unacked = 0;
            out.add(seg(!fromClient, ACK, Synth.EMPTY, false));
        }
    }

    /** FIN from one side, FIN from the other, last ACK. */
    void close(boolean clientFirst, List<Pkt> out) {
        out.add(seg(clientFirst, FIN | ACK, Synth.EMPTY, false));
        advance(clientFirst);
        out.add(seg(!clientFirst, FIN | ACK, Synth.EMPTY, false));
        advance(!clientFirst);
        out.add(seg(clientFirst, ACK, Synth.EMPTY, false));
    }

    private void advance(boolean client) {
        if (client) {
            cseq = (cseq + 1) & 0xffffffffL;
        } else {
            sseq = (sseq + 1) & 0xffffffffL;
        }
    }
}
