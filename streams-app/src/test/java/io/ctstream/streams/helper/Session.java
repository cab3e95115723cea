package io.ctstream.streams.helper;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.helper.channel.ControlChannelState;
import io.ctstream.streams.helper.channel.ControlChannelStateCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only: a hand-built control connection (client 10.77.1.2, server 10.77.2.2, like the lab)
 * that sends segments with consecutive sequence numbers after a handshake, and round-trips the
 * state through the codec after every segment, as the state store will.
 */
public final class Session {

    public static final String CLIENT = "10.77.1.2";
    public static final String SERVER = "10.77.2.2";

    private final ControlChannelAnalyzer analyzer;
    private final HelperContext context;
    private byte[] state;
    private long clientSeq;
    private long serverSeq;
    private long ts = 1_795_314_800_000_000L;

    public Session(HelperConfig config, int serverPort, long clientIsn, long serverIsn) {
        analyzer = new ControlChannelAnalyzer(config);
        context =
                HelperContext.of(
                        "master-1",
                        ConnTuple.tcp(
                                Addresses.parse(CLIENT),
                                40000,
                                Addresses.parse(SERVER),
                                serverPort));
        state = ControlChannelStateCodec.encode(analyzer.newState(context));
        clientSeq = clientIsn;
        serverSeq = serverIsn;
        segment(Direction.ORIGINAL, clientSeq, HelperSegment.SYN, new byte[0]);
        segment(Direction.REPLY, serverSeq, HelperSegment.SYN | 0x10, new byte[0]);
        clientSeq++;
        serverSeq++;
    }

    public static Session ftp(HelperMode mode) {
        return new Session(HelperConfig.builder().mode(mode).build(), 21, 1000, 5000);
    }

    public static Session irc(HelperMode mode) {
        return new Session(HelperConfig.builder().mode(mode).build(), 6667, 1000, 5000);
    }

    /**
     * An FTP session past its banner and login, so that the next client segment follows a newline.
     */
    public static Session ftpLoggedIn(HelperMode mode) {
        Session s = ftp(mode);
        s.server("220 traffic-lab vsftpd\r\n");
        s.client("USER anonymous\r\n");
        s.server("230 Login successful.\r\n");
        return s;
    }

    /** An IRC session past registration. */
    public static Session ircRegistered(HelperMode mode) {
        Session s = irc(mode);
        s.client("NICK alice\r\n");
        s.server(":irc.tlab.test 001 alice :Welcome\r\n");
        return s;
    }

    /** Each string is sent as one client segment. */
    public List<HelperOutcome> client(String... segments) {
        List<HelperOutcome> out = new ArrayList<>();
        for (String s : segments) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            out.addAll(segment(Direction.ORIGINAL, clientSeq, 0x18, b));
            clientSeq += b.length;
        }
        return out;
    }

    /** Each string is sent as one server segment. */
    public List<HelperOutcome> server(String... segments) {
        List<HelperOutcome> out = new ArrayList<>();
        for (String s : segments) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            out.addAll(segment(Direction.REPLY, serverSeq, 0x18, b));
            serverSeq += b.length;
        }
        return out;
    }

    /** Re-sends a client segment at an explicit sequence number (retransmission, out of order). */
    public List<HelperOutcome> clientAt(long seq, String s) {
        return segment(Direction.ORIGINAL, seq, 0x18, s.getBytes(StandardCharsets.ISO_8859_1));
    }

    public long clientSeq() {
        return clientSeq;
    }

    public ControlChannelState state() {
        return ControlChannelStateCodec.decode(state, analyzer.config());
    }

    public HelperContext context() {
        return context;
    }

    private List<HelperOutcome> segment(Direction dir, long seq, int flags, byte[] payload) {
        ts += 1000;
        ControlChannelState s = ControlChannelStateCodec.decode(state, analyzer.config());
        List<HelperOutcome> out =
                analyzer.onSegment(s, dir, HelperSegment.of(seq, flags, payload, ts), context);
        state = ControlChannelStateCodec.encode(s);
        return out;
    }
}
