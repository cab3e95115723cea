package io.ctstream.streams.conntrack;

import io.ctstream.avro.Connection;
import io.ctstream.avro.PacketRecord;
import io.ctstream.streams.conntrack.tcp.TcpFlags;

/**
 * Drives one TCP flow through a {@link ConnectionTracker} the way the topology will: keeps the
 * stored connection, feeds packets from the client (C) or server (S) side with a clock that
 * advances 1 ms per packet.
 */
final class TcpSession {

    static final int S = TcpFlags.SYN;
    static final int A = TcpFlags.ACK;
    static final int F = TcpFlags.FIN;
    static final int R = TcpFlags.RST;
    static final int P = TcpFlags.PSH;

    final ConnectionTracker tracker;
    final String client;
    final int cport;
    final String server;
    final int sport;
    TrackedConnection stored;
    long now = 1_700_000_000_000_000L;
    TrackResult last;

    TcpSession(ConnectionTracker tracker) {
        this(tracker, "10.0.0.1", 40000, "10.0.0.2", 80);
    }

    TcpSession(ConnectionTracker tracker, String client, int cport, String server, int sport) {
        this.tracker = tracker;
        this.client = client;
        this.cport = cport;
        this.server = server;
        this.sport = sport;
    }

    Packets fromClient(int flags, long seq, long ack) {
        return Packets.tcp(client, cport, server, sport).flags(flags).seq(seq).ack(ack).payload(0);
    }

    Packets fromServer(int flags, long seq, long ack) {
        return Packets.tcp(server, sport, client, cport).flags(flags).seq(seq).ack(ack).payload(0);
    }

    TrackResult c(int flags, long seq, long ack) {
        return feed(fromClient(flags, seq, ack));
    }

    TrackResult c(int flags, long seq, long ack, int len) {
        return feed(fromClient(flags, seq, ack).payload(len));
    }

    TrackResult s(int flags, long seq, long ack) {
        return feed(fromServer(flags, seq, ack));
    }

    TrackResult s(int flags, long seq, long ack, int len) {
        return feed(fromServer(flags, seq, ack).payload(len));
    }

    TrackResult feed(Packets p) {
        now += 1000;
        return feed(p.at(now).build());
    }

    TrackResult feed(PacketRecord p) {
        last = tracker.track(stored, p);
        stored = last.connection();
        return last;
    }

    /**
     * SYN 1000 / SYN-ACK 5000 / ACK: leaves the connection ESTABLISHED and ASSURED (client next seq
     * 1001, server 5001).
     */
    TcpSession handshake() {
        c(S, 1000, 0);
        s(S | A, 5000, 1001);
        c(A, 1001, 5001);
        return this;
    }

    Connection conn() {
        return stored.connection();
    }
}
