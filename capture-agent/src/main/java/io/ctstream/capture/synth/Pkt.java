package io.ctstream.capture.synth;

/** One packet of a synthetic session, ready to be turned into a frame. */
final class Pkt {
    enum Kind {
        TCP,
        UDP,
        ECHO_REQUEST,
        ECHO_REPLY
    }

    final Kind kind;
    final byte[] src;
    final byte[] dst;
    final int sport;
    final int dport;
    final long seq;
    final long ack;
    final int flags;
    final byte[] payload;
    final boolean synOptions;

    Pkt(
            Kind kind,
            byte[] src,
            byte[] dst,
            int sport,
            int dport,
            long seq,
            long ack,
            int flags,
            byte[] payload,
            boolean synOptions) {
        this.kind = kind;
        this.src = src;
        this.dst = dst;
        this.sport = sport;
        this.dport = dport;
        this.seq = seq;
        this.ack = ack;
        this.flags = flags;
        this.payload = payload;
        this.synOptions = synOptions;
    }

    int write(FrameBuilder fb) {
        switch (kind) {
            case TCP:
                return fb.tcp(
                        src,
                        dst,
                        sport,
                        dport,
                        seq,
                        ack,
                        flags,
                        payload,
                        payload.length,
                        synOptions);
            case UDP:
                return fb.udp(src, dst, sport, dport, payload, payload.length);
            case ECHO_REQUEST:
                return fb.echo(src, dst, true, sport, (int) seq, payload.length);
            default:
                return fb.echo(src, dst, false, sport, (int) seq, payload.length);
        }
    }
}
