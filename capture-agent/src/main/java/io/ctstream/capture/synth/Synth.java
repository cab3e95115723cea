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
 * Writes a synthetic Ethernet pcap of exactly N packets, deterministic from a seed: a bounded pool
 * of concurrent sessions (plain TCP with handshakes, data and teardowns or refusals; UDP
 * request/response; ICMP and ICMPv6 echo; FTP control sessions with PASV, PORT and EPSV and their
 * data connections; IRC with a DCC SEND and its data connection), interleaved at random. Memory
 * stays constant whatever N is.
 */
public final class Synth {
    static final byte[] EMPTY = new byte[0];
    private static final int CONCURRENT_SESSIONS = 64;
    private static final long START_MICROS = 1_795_300_000_000_000L;

    private final SplittableRandom random;
    private final FrameBuilder frames = new FrameBuilder();
    private final List<ArrayDeque<Pkt>> active = new ArrayList<>();
    private long nowMicros = START_MICROS;

    private Synth(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Writes {@code packets} packets to {@code file}. */
    public static void write(Path file, long packets, long seed) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, packets, seed);
        }
    }

    public static void write(OutputStream out, long packets, long seed) throws IOException {
        if (packets < 0) {
            throw new IllegalArgumentException("packet count must be >= 0, got " + packets);
        }
        new Synth(seed).run(out, packets);
    }

    private void run(OutputStream out, long packets) throws IOException {
        PcapWriter w = new PcapWriter(out, LinkType.ETHERNET, 65535);
        for (long i = 0; i < packets; i++) {
            while (active.size() < CONCURRENT_SESSIONS) {
                active.add(newSession());
            }
            int pick = random.nextInt(active.size());
            ArrayDeque<Pkt> s = active.get(pick);
            Pkt p = s.poll();
            if (s.isEmpty()) {
                active.set(pick, active.get(active.size() - 1));
                active.remove(active.size() - 1);
            }
            nowMicros += random.nextInt(1, 400);
            int len = p.write(frames);
            w.write(nowMicros, frames.buffer(), 0, len);
        }
        w.flush();
    }

    private ArrayDeque<Pkt> newSession() {
        List<Pkt> out = new ArrayList<>();
        int r = random.nextInt(100);
        if (r < 40) {
            web(out);
        } else if (r < 45) {
            refused(out);
        } else if (r < 60) {
            dns(out);
        } else if (r < 70) {
            ping(out);
        } else if (r < 88) {
            ftp(out);
        } else {
            irc(out);
        }
        return new ArrayDeque<>(out);
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

    private void web(List<Pkt> out) {
        boolean v6 = random.nextInt(10) == 0;
        byte[] c = v6 ? v6(1) : clientV4();
        byte[] s = v6 ? v6(2) : serverV4();
        TcpConnection t = tcp(c, ephemeral(), s, random.nextBoolean() ? 80 : 443);
        t.handshake(out);
        for (int k = random.nextInt(1, 4); k > 0; k--) {
            t.send(true, data(random.nextInt(80, 500)), out);
            t.send(false, data(random.nextInt(200, 6000)), out);
        }
        t.close(random.nextBoolean(), out);
    }

    private void refused(List<Pkt> out) {
        tcp(clientV4(), ephemeral(), serverV4(), random.nextInt(1, 1024)).refused(out);
    }

    private void dns(List<Pkt> out) {
        byte[] c = clientV4();
        byte[] s = serverV4();
        int cport = ephemeral();
        for (int k = random.nextInt(1, 4); k > 0; k--) {
            out.add(new Pkt(Pkt.Kind.UDP, c, s, cport, 53, 0, 0, 0, data(random.nextInt(30, 60)), false));
            out.add(new Pkt(Pkt.Kind.UDP, s, c, 53, cport, 0, 0, 0, data(random.nextInt(60, 300)), false));
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
        for (int k = random.nextInt(1, 4); k > 0; k--) {
            int mode = random.nextInt(3);
            int port = random.nextInt(20000, 60000);
            TcpConnection dataConn;
            if (mode == 0) {
                ctl.send(true, text("PASV\r\n"), out);
                ctl.send(false, text("227 Entering Passive Mode (" + dotted(s, ',') + "," + (port >> 8) + "," + (port & 0xff)
                        + ").\r\n"), out);
                dataConn = tcp(c, ephemeral(), s, port);
            } else if (mode == 1) {
                ctl.send(true, text("EPSV\r\n"), out);
                ctl.send(false, text("229 Entering Extended Passive Mode (|||" + port + "|)\r\n"), out);
                dataConn = tcp(c, ephemeral(), s, port);
            } else {
                ctl.send(true, text("PORT " + dotted(c, ',') + "," + (port >> 8) + "," + (port & 0xff) + "\r\n"), out);
                ctl.send(false, text("200 PORT command successful. Consider using PASV.\r\n"), out);
                dataConn = tcp(s, 20, c, port); // active: the server connects from port 20
            }
            ctl.send(true, text("RETR file" + k + ".bin\r\n"), out);
            dataConn.handshake(out);
            ctl.send(false, text("150 Opening BINARY mode data connection.\r\n"), out);
            byte[] file = data(random.nextInt(100, 8000));
            // RETR: the FTP server sends the file, then closes; it is the connecting side only in active mode
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
        ctl.send(false, text(":irc.example 001 alice :Welcome to the Internet Relay Network alice\r\n"), out);
        int port = random.nextInt(40000, 50000);
        int size = random.nextInt(500, 6000);
        long ip = ((alice[0] & 0xffL) << 24) | ((alice[1] & 0xff) << 16) | ((alice[2] & 0xff) << 8) | (alice[3] & 0xff);
        ctl.send(true, text("PRIVMSG bob :\u0001DCC SEND data.bin " + ip + " " + port + " " + size + "\u0001\r\n"), out);
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
