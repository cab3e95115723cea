package io.ctstream.streams.helper.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.embedded.fuzz.FuzzInputs;
import io.ctstream.streams.helper.ConnTuple;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.ParseResult;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.helper.channel.ControlChannelState;
import io.ctstream.streams.helper.channel.ControlChannelStateCodec;
import io.ctstream.streams.helper.ftp.FtpCommandParser;
import io.ctstream.streams.helper.ftp.FtpReplyAssembler;
import io.ctstream.streams.helper.ftp.FtpReplyParser;
import io.ctstream.streams.helper.ftp.KernelFtpSearch;
import io.ctstream.streams.helper.irc.DccParser;
import io.ctstream.streams.helper.irc.KernelIrcSearch;
import io.ctstream.streams.helper.stream.LineFramer;
import io.ctstream.streams.helper.stream.StreamEvent;
import io.ctstream.streams.helper.stream.TcpStreamReassembler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing (jqwik) of the helpers' pure parsers, the stream reassembly and line framing, and the
 * whole control-channel analyzer in both modes: random bytes and mutations of the corpus in {@code
 * src/test/resources/fuzz/ftp-commands}, {@code ftp-replies} and {@code irc} (the control lines of
 * the lab captures). The parsers are total: every input gives a result and nothing is thrown; the
 * stream pieces keep their bounds. Tries: {@code jqwik.tries.default} (see the module README for
 * the long run).
 */
class HelperFuzzTest {
    private static final List<String> FTP_TOKENS =
            List.of(
                    "PORT ",
                    "EPRT ",
                    "227 ",
                    "229 ",
                    "227-",
                    "229-",
                    "PASV",
                    "EPSV",
                    "|1|",
                    "|2|",
                    "|||",
                    "(|||",
                    "|)",
                    ",",
                    "\r\n",
                    "\n",
                    "Entering Passive Mode (",
                    "::",
                    "fd77:1::2",
                    "10,77,1,2,",
                    "255,",
                    "65535",
                    "4294967296");
    private static final List<String> IRC_TOKENS =
            List.of(
                    "PRIVMSG ",
                    " :",
                    "\u0001DCC ",
                    "\u0001",
                    "SEND ",
                    "CHAT ",
                    "MOVE ",
                    "TSEND ",
                    "SCHAT ",
                    "\"",
                    "4294967295",
                    "4294967296",
                    "65535",
                    "65536",
                    "\r\n",
                    "\n",
                    ":nick!u@h ");
    private static final int LINE_LIMIT = 4096;

    private static final List<byte[]> FTP =
            Stream.concat(
                            FuzzInputs.corpus("ftp-commands").stream(),
                            FuzzInputs.corpus("ftp-replies").stream())
                    .toList();
    private static final List<byte[]> IRC = FuzzInputs.corpus("irc");

    @Provide
    Arbitrary<byte[]> ftpLines() {
        return FuzzInputs.of(FTP, FTP_TOKENS, 6000);
    }

    @Provide
    Arbitrary<byte[]> ircLines() {
        return FuzzInputs.of(IRC, IRC_TOKENS, 6000);
    }

    @Property
    void ftpCommandParserIsTotal(@ForAll("ftpLines") byte[] line) {
        assertThat(FtpCommandParser.parse(line)).isNotNull();
    }

    @Property
    void ftpReplyParserIsTotal(@ForAll("ftpLines") byte[] line) {
        FtpReplyParser.ReplyLine start = FtpReplyParser.start(line);
        if (start != null) {
            assertThat(start.code()).isBetween(0, 999);
            assertThat(FtpReplyParser.parse(start.code(), line)).isNotNull();
        }
        assertThat(FtpReplyParser.parsePassive(line)).isNotNull();
        assertThat(FtpReplyParser.parseExtendedPassive(line)).isNotNull();
        assertThat(FtpReplyParser.parse(227, line)).isNotNull();
        assertThat(FtpReplyParser.parse(229, line)).isNotNull();
    }

    @Property
    void kernelFtpSearchIsTotal(@ForAll("ftpLines") byte[] segment) {
        for (Direction d : Direction.values()) {
            assertThat(KernelFtpSearch.search(d, segment, 4)).isNotNull();
            assertThat(KernelFtpSearch.search(d, segment, 6)).isNotNull();
        }
    }

    @Property
    void dccParserIsTotal(@ForAll("ircLines") byte[] line) {
        ParseResult<?> r = DccParser.parse(line);
        assertThat(r).isNotNull();
    }

    @Property
    void kernelIrcSearchIsTotal(@ForAll("ircLines") byte[] segment) {
        KernelIrcSearch.search(segment); // null = nothing found; nothing may be thrown
    }

    /**
     * Reassembly + framing + multi-line reply assembly over a mutated stream cut into perturbed
     * segments.
     */
    @Property
    void reassemblyAndFramingStayWithinTheirBounds(
            @ForAll("ftpLines") byte[] stream, @ForAll long cuts) {
        TcpStreamReassembler reassembler = new TcpStreamReassembler(8192, 16);
        LineFramer framer = new LineFramer(LINE_LIMIT);
        FtpReplyAssembler replies = new FtpReplyAssembler();
        SplittableRandom r = new SplittableRandom(cuts);
        long isn = r.nextLong() & 0xffffffffL;
        reassembler.accept(isn, true, new byte[0]);
        for (Segment s : segments(stream, isn + 1, r)) {
            for (StreamEvent e : reassembler.accept(s.seq, false, s.payload, s.wireLength)) {
                if (e instanceof StreamEvent.Data data) {
                    for (LineFramer.FramerEvent fe : framer.feed(data.seq(), data.bytes())) {
                        if (fe instanceof LineFramer.FramerEvent.Line line) {
                            assertThat(line.bytes().length).isLessThanOrEqualTo(LINE_LIMIT);
                            replies.onLine(line.startSeq(), line.bytes());
                        }
                    }
                } else {
                    framer.gap();
                }
            }
            assertThat(reassembler.heldBytes()).isLessThanOrEqualTo(8192);
            assertThat(reassembler.heldSegments()).isLessThanOrEqualTo(16);
            assertThat(framer.pendingBytes()).isLessThanOrEqualTo(LINE_LIMIT);
        }
    }

    /**
     * The analyzer end to end, FTP and IRC masters, both modes, both directions; its state survives
     * its codec.
     */
    @Property
    void controlChannelAnalyzerIsTotal(
            @ForAll("ftpLines") byte[] ftp, @ForAll("ircLines") byte[] irc, @ForAll long cuts) {
        SplittableRandom r = new SplittableRandom(cuts);
        HelperMode mode = r.nextBoolean() ? HelperMode.ROBUST : HelperMode.KERNEL;
        HelperConfig config =
                HelperConfig.defaults().toBuilder()
                        .mode(mode)
                        .reassemblyWindowBytes(8192)
                        .reassemblyMaxSegments(16)
                        .build();
        ControlChannelAnalyzer analyzer = new ControlChannelAnalyzer(config);
        boolean isIrc = r.nextBoolean();
        HelperContext ctx =
                HelperContext.of(
                        "fuzz",
                        ConnTuple.tcp(
                                addr(10, 77, 1, 2), 40000, addr(10, 77, 2, 2), isIrc ? 6667 : 21));
        ControlChannelState state = analyzer.newState(ctx);
        long[] isn = {r.nextLong() & 0xffffffffL, r.nextLong() & 0xffffffffL};
        analyzer.onSegment(
                state,
                Direction.ORIGINAL,
                HelperSegment.of(isn[0], HelperSegment.SYN, new byte[0], 1),
                ctx);
        analyzer.onSegment(
                state,
                Direction.REPLY,
                HelperSegment.of(isn[1], HelperSegment.SYN | 0x10, new byte[0], 2),
                ctx);
        long ts = 3;
        for (Segment s : segments(isIrc ? irc : ftp, isn[0] + 1, r)) {
            Direction d = r.nextInt(4) == 0 ? Direction.REPLY : Direction.ORIGINAL;
            long seq = d == Direction.ORIGINAL ? s.seq : isn[1] + 1 + (s.seq - isn[0] - 1);
            List<HelperOutcome> out =
                    analyzer.onSegment(
                            state,
                            d,
                            new HelperSegment(
                                    seq,
                                    0x18,
                                    s.payload,
                                    s.wireLength,
                                    ts += r.nextInt(0, 400_000_000)),
                            ctx);
            for (HelperOutcome o : out) {
                ControlChannelAnalyzer.alertType(o);
                if (o instanceof HelperOutcome.ExpectationRequest req && r.nextBoolean()) {
                    analyzer.onExpectationClosed(state, req.expectationId());
                }
            }
        }
        ControlChannelState again =
                ControlChannelStateCodec.decode(ControlChannelStateCodec.encode(state), config);
        assertThat(ControlChannelStateCodec.encode(again))
                .isEqualTo(ControlChannelStateCodec.encode(state));
    }

    private record Segment(long seq, byte[] payload, int wireLength) {}

    /**
     * The stream cut at random points into segments sent mostly in order, sometimes retransmitted,
     * overlapping, reordered, skipped (a gap) or capture-truncated.
     */
    private static List<Segment> segments(byte[] stream, long firstSeq, SplittableRandom r) {
        List<Segment> out = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            int len = Math.min(stream.length - at, r.nextInt(1, 300));
            byte[] payload = java.util.Arrays.copyOfRange(stream, at, at + len);
            Segment s = new Segment(firstSeq + at, payload, len);
            switch (r.nextInt(12)) {
                case 0 -> { // retransmission of an earlier piece
                    out.add(s);
                    if (!out.isEmpty()) {
                        out.add(out.get(r.nextInt(out.size())));
                    }
                }
                case 1 -> { // overlap: start a little earlier with other bytes
                    int back = Math.min(at, r.nextInt(1, 20));
                    byte[] other = new byte[len + back];
                    r.nextBytes(other);
                    out.add(new Segment(firstSeq + at - back, other, other.length));
                }
                case 2 -> out.add(Math.max(0, out.size() - r.nextInt(1, 4)), s); // reordered
                case 3 -> {} // lost
                case 4 ->
                        out.add(
                                new Segment(
                                        s.seq,
                                        java.util.Arrays.copyOf(payload, r.nextInt(len + 1)),
                                        len)); // truncated
                case 5 ->
                        out.add(
                                new Segment(
                                        s.seq + r.nextLong(1L << 32),
                                        payload,
                                        len)); // wild sequence number
                default -> out.add(s);
            }
            at += len;
        }
        return out;
    }

    private static InetAddress addr(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
