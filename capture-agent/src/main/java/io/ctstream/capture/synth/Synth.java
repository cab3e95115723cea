package io.ctstream.capture.synth;

import io.ctstream.capture.decode.LinkType;
import io.ctstream.capture.file.PcapWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a synthetic Ethernet pcap of exactly N packets, deterministic from a seed, in one of two
 * {@link SynthMix mixes}. Memory stays constant whatever N is: at most {@value
 * #CONCURRENT_SESSIONS} sessions are open, and a large transfer makes its segments as they are
 * written.
 *
 * <p>The default mix is heavy-tailed, after Crovella and Bestavros ("Self-Similarity in World Wide
 * Web Traffic: Evidence and Possible Causes", IEEE/ACM Transactions on Networking 5(6), 1997), who
 * found Web transfer sizes heavy-tailed, Pareto-like with a tail index near 1 (the "mice and
 * elephants" of later flow measurements): each TCP transfer's size in bytes is Pareto with tail
 * index {@value #PARETO_ALPHA} and minimum {@value #PARETO_MIN_BYTES} bytes (median about 7.5 KB,
 * capped at {@value #MAX_TRANSFER_BYTES} bytes), sent in full-size segments ({@value
 * TcpConnection#MSS} bytes of payload, 1,502-byte frames) acknowledged every second segment by
 * 54-byte ACKs, after a handshake and a small request and before a FIN exchange. Around the
 * transfers: DNS queries, pings (ICMP and ICMPv6), refused connections (SYN, RST), FTP control
 * sessions with PASV, EPSV and PORT data connections and IRC with a DCC SEND and its connection
 * (the data connections' files Pareto too, capped lower), so the helpers and their expectations
 * stay exercised. The open sessions take turns at random, a packet every 0 to 2 µs (about a million
 * packets per second, the rate the pipeline is built for: the capture times are what the agent's
 * batching sees).
 *
 * <p>The SYN-flood mix is one SYN per flow, from random sources and ports to one server, at the
 * same rate: the worst case for per-flow batching.
 */
public final class Synth {
    static final byte[] EMPTY = new byte[0];

    /** Sessions open at once; each gets about one packet in this many. */
    static final int CONCURRENT_SESSIONS = 256;

    static final double PARETO_ALPHA = 1.1;
    static final int PARETO_MIN_BYTES = 4_000;
    static final long MAX_TRANSFER_BYTES = 100_000_000L;

    /** Largest TCP window of a transfer, in full-size segments (about 92 KB). */
    static final int MAX_WINDOW_SEGMENTS = 64;

    /**
     * FTP and IRC files: their whole session is built up front, so they stay small enough to hold.
     */
    static final long MAX_FILE_BYTES = 256 * 1024;

    private static final long START_MICROS = 1_795_300_000_000_000L;

    private final SplittableRandom random;
    private final SynthMix mix;
    private final FrameBuilder frames = new FrameBuilder();
    private final List<Session> active = new ArrayList<>();

    /**
     * The rest of the round being written (a window of one transfer), or one packet of another
     * session.
     */
    private final ArrayDeque<Pkt> pending = new ArrayDeque<>();

    /**
     * The payload of every full-size bulk segment (the agent keeps no payload off helper ports).
     */
    private final byte[] segment;

    private long nowMicros = START_MICROS;

    private Synth(long seed, SynthMix mix) {
        this.random = new SplittableRandom(seed);
        this.mix = mix;
        this.segment = data(TcpConnection.MSS);
    }

    /** Writes {@code packets} packets of the default mix to {@code file}. */
    public static void write(Path file, long packets, long seed) throws IOException {
        write(file, packets, seed, SynthMix.DEFAULT);
    }

    public static void write(Path file, long packets, long seed, SynthMix mix) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, packets, seed, mix);
        }
    }

    public static void write(OutputStream out, long packets, long seed) throws IOException {
        write(out, packets, seed, SynthMix.DEFAULT);
    }

    public static void write(OutputStream out, long packets, long seed, SynthMix mix)
            throws IOException {
        if (packets < 0) {
            throw new IllegalArgumentException("packet count must be >= 0, got " + packets);
        }
        new Synth(seed, mix).run(out, packets);
    }

    private void run(OutputStream out, long packets) throws IOException {
        PcapWriter w = new PcapWriter(out, LinkType.ETHERNET, 65535);
        for (long i = 0; i < packets; i++) {
            Pkt p = mix == SynthMix.SYN_FLOOD ? syn() : nextOfSomeSession();
            nowMicros += random.nextInt(0, 3);
            int len = p.write(frames);
            w.write(nowMicros, frames.buffer(), 0, len);
        }
        w.flush();
    }

    private Pkt nextOfSomeSession() {
        if (pending.isEmpty()) {
            while (active.size() < CONCURRENT_SESSIONS) {
                active.add(newSession());
            }
            int pick = random.nextInt(active.size());
            Session s = active.get(pick);
            if (s.sendsRounds()) {
                s.takeRound(pending);
            } else {
                pending.add(s.next());
            }
            if (s.done()) {
                active.set(pick, active.get(active.size() - 1));
                active.remove(active.size() - 1);
            }
        }
        return pending.poll();
    }

    private Session newSession() {
        List<Pkt> out = new ArrayList<>();
        int r = random.nextInt(100);
        // FTP and IRC control sessions are rare on real links; a few percent keep the helpers busy
        // without letting
        // their payload packets (each published at once, alone) decide how the mix batches
        if (r < 66) {
            return transfer();
        } else if (r < 80) {
            dns(out);
        } else if (r < 86) {
            ping(out);
        } else if (r < 97) {
            refused(out);
        } else if (r < 99) {
            ftp(out);
        } else {
            irc(out);
        }
        return Session.of(out);
    }

    /** A Pareto-distributed size (inverse transform of a uniform draw), capped. */
    private long paretoBytes(long cap) {
        double u = 1.0 - random.nextDouble(); // in (0, 1]
        return (long) Math.min(cap, PARETO_MIN_BYTES / Math.pow(u, 1.0 / PARETO_ALPHA));
    }

    // ---- addresses and ports

    private byte[] clientV4() {
        return new byte[] {10, 1, (byte) random.nextInt(0, 64), (byte) random.nextInt(1, 255)};
    }

    private byte[] serverV4() {
        return new byte[] {10, 2, 0, (byte) random.nextInt(1, 32)};
    }

    private byte[] v6(int net) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[1] = 0x00;
        a[3] = (byte) net;
        a[14] = (byte) random.nextInt(256);
        a[15] = (byte) random.nextInt(1, 256);
        return a;
    }

    private int ephemeral() {
        return random.nextInt(32768, 61000);
    }

    private TcpConnection tcp(byte[] c, int cport, byte[] s, int sport) {
        return new TcpConnection(c, cport, s, sport, random.nextLong(), random.nextLong());
    }

    private byte[] data(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- sessions

    /**
     * A client fetches a Pareto-sized object: handshake and request, then the server's full-size
     * segments in rounds of a TCP window that leave back to back (slow start: 2 segments, doubling
     * each round up to {@value #MAX_WINDOW_SEGMENTS}), each round made only when the previous one
     * is written (a 100 MB transfer holds one round at a time), then the FIN exchange. The window
     * is what gives a large flow more packets per turn than a small one: without it every open flow
     * would get the same share of the capture, and no flow could outgrow it.
     */
    private Session transfer() {
        boolean v6 = random.nextInt(10) == 0;
        byte[] c = v6 ? v6(1) : clientV4();
        byte[] s = v6 ? v6(2) : serverV4();
        TcpConnection t = tcp(c, ephemeral(), s, random.nextBoolean() ? 80 : 443);
        long size = paretoBytes(MAX_TRANSFER_BYTES);
        byte[] request = data(random.nextInt(80, 500));
        boolean clientCloses = random.nextBoolean();
        return new Session() {
            private long left = size;
            private int window = 2;
            private boolean started;
            private boolean closed;

            @Override
            boolean sendsRounds() {
                return true;
            }

            @Override
            boolean refill(List<Pkt> out) {
                if (!started) {
                    started = true;
                    t.handshake(out);
                    t.send(true, request, out);
                } else if (left > 0) {
                    for (int k = 0; k < window && left > 0; k++) {
                        int n = (int) Math.min(TcpConnection.MSS, left);
                        left -= n;
                        t.bulkSegment(false, segment, n, left == 0, out);
                    }
                    window = Math.min(MAX_WINDOW_SEGMENTS, window * 2);
                } else if (!closed) {
                    closed = true;
                    t.close(clientCloses, out);
                } else {
                    return false;
                }
                return true;
            }
        };
    }

    /** One flood SYN: a new source address and port each time, to the one attacked server. */
    private Pkt syn() {
        byte[] src = {
            10,
            (byte) random.nextInt(128, 256),
            (byte) random.nextInt(256),
            (byte) random.nextInt(1, 255)
        };
        return new Pkt(
                Pkt.Kind.TCP,
                src,
                FLOOD_TARGET,
                random.nextInt(1024, 65536),
                80,
                random.nextLong() & 0xffffffffL,
                0,
                FrameBuilder.SYN,
                EMPTY,
                true);
    }

    private static final byte[] FLOOD_TARGET = {10, 2, 0, 1};

    private void refused(List<Pkt> out) {
        tcp(clientV4(), ephemeral(), serverV4(), random.nextInt(1, 1024)).refused(out);
    }

    private void dns(List<Pkt> out) {
        byte[] c = clientV4();
        byte[] s = serverV4();
        int cport = ephemeral();
        for (int k = random.nextInt(1, 4); k > 0; k--) {
            out.add(
                    new Pkt(
                            Pkt.Kind.UDP,
                            c,
                            s,
                            cport,
                            53,
                            0,
                            0,
                            0,
                            data(random.nextInt(30, 60)),
                            false));
            out.add(
                    new Pkt(
                            Pkt.Kind.UDP,
                            s,
                            c,
                            53,
                            cport,
                            0,
                            0,
                            0,
                            data(random.nextInt(60, 300)),
                            false));
        }
    }

    private void ping(List<Pkt> out) {
        boolean v6 = random.nextInt(4) == 0;
        byte[] c = v6 ? v6(1) : clientV4();
        byte[] s = v6 ? v6(2) : serverV4();
        int id = random.nextInt(1, 65536);
        for (int seq = 1, n = random.nextInt(1, 5); seq <= n; seq++) {
            out.add(new Pkt(Pkt.Kind.ECHO_REQUEST, c, s, id, id, seq, 0, 0, new byte[56], false));
            out.add(new Pkt(Pkt.Kind.ECHO_REPLY, s, c, id, id, seq, 0, 0, new byte[56], false));
        }
    }

    private void ftp(List<Pkt> out) {
        byte[] c = clientV4();
        byte[] s = serverV4();
        TcpConnection ctl = tcp(c, ephemeral(), s, 21);
        ctl.handshake(out);
        ctl.send(false, text("220 (vsFTPd 3.0.3)\r\n"), out);
        ctl.send(true, text("USER anonymous\r\n"), out);
        ctl.send(false, text("331 Please specify the password.\r\n"), out);
        ctl.send(true, text("PASS ftp@\r\n"), out);
        ctl.send(false, text("230 Login successful.\r\n"), out);
        int firstMode = random.nextInt(3); // the modes take turns, so a few sessions show all three
        for (int k = random.nextInt(1, 4); k > 0; k--) {
            int mode = (firstMode + k) % 3;
            int port = random.nextInt(20000, 60000);
            TcpConnection dataConn;
            if (mode == 0) {
                ctl.send(true, text("PASV\r\n"), out);
                ctl.send(
                        false,
                        text(
                                "227 Entering Passive Mode ("
                                        + dotted(s, ',')
                                        + ","
                                        + (port >> 8)
                                        + ","
                                        + (port & 0xff)
                                        + ").\r\n"),
                        out);
                dataConn = tcp(c, ephemeral(), s, port);
            } else if (mode == 1) {
                ctl.send(true, text("EPSV\r\n"), out);
                ctl.send(
                        false,
                        text("229 Entering Extended Passive Mode (|||" + port + "|)\r\n"),
                        out);
                dataConn = tcp(c, ephemeral(), s, port);
            } else {
                ctl.send(
                        true,
                        text(
                                "PORT "
                                        + dotted(c, ',')
                                        + ","
                                        + (port >> 8)
                                        + ","
                                        + (port & 0xff)
                                        + "\r\n"),
                        out);
                ctl.send(false, text("200 PORT command successful. Consider using PASV.\r\n"), out);
                dataConn = tcp(s, 20, c, port); // active: the server connects from port 20
            }
            ctl.send(true, text("RETR file" + k + ".bin\r\n"), out);
            dataConn.handshake(out);
            ctl.send(false, text("150 Opening BINARY mode data connection.\r\n"), out);
            byte[] file = data((int) paretoBytes(MAX_FILE_BYTES));
            // RETR: the FTP server sends the file, then closes; it is the connecting side only in
            // active mode
            boolean serverIsConnecting = mode == 2;
            dataConn.send(serverIsConnecting, file, out);
            dataConn.close(serverIsConnecting, out);
            ctl.send(false, text("226 Transfer complete.\r\n"), out);
        }
        ctl.send(true, text("QUIT\r\n"), out);
        ctl.send(false, text("221 Goodbye.\r\n"), out);
        ctl.close(false, out);
    }

    private void irc(List<Pkt> out) {
        byte[] alice = clientV4();
        byte[] server = serverV4();
        byte[] bob = clientV4();
        TcpConnection ctl = tcp(alice, ephemeral(), server, 6667);
        ctl.handshake(out);
        ctl.send(true, text("NICK alice\r\nUSER alice 0 * :Alice\r\n"), out);
        ctl.send(
                false,
                text(":irc.example 001 alice :Welcome to the Internet Relay Network alice\r\n"),
                out);
        int port = random.nextInt(40000, 50000);
        int size = (int) paretoBytes(MAX_FILE_BYTES);
        long ip =
                ((alice[0] & 0xffL) << 24)
                        | ((alice[1] & 0xff) << 16)
                        | ((alice[2] & 0xff) << 8)
                        | (alice[3] & 0xff);
        ctl.send(
                true,
                text(
                        "PRIVMSG bob :\u0001DCC SEND data.bin "
                                + ip
                                + " "
                                + port
                                + " "
                                + size
                                + "\u0001\r\n"),
                out);
        TcpConnection dcc = tcp(bob, ephemeral(), alice, port);
        dcc.handshake(out);
        dcc.send(false, data(size), out);
        dcc.close(true, out);
        ctl.send(true, text("QUIT :bye\r\n"), out);
        ctl.close(true, out);
    }

    private static String dotted(byte[] a, char sep) {
        return (a[0] & 0xff) + "" + sep + (a[1] & 0xff) + sep + (a[2] & 0xff) + sep + (a[3] & 0xff);
    }
}
