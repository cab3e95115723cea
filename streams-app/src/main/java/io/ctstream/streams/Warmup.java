package io.ctstream.streams;

import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.conntrack.TrackResult;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.helper.HelperAvro;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.helper.channel.ControlChannelState;
import io.ctstream.streams.policy.GatewayPolicy;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.streams.tracking.HelperEvents;
import io.ctstream.verdict.VerdictSigner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the code of a pinhole's path once over synthetic FTP control sessions before the first real
 * packet: the TCP tracker, the FTP helper (PORT and 227), the expectation's Avro mapping, the Avro
 * codecs of every record the path writes, and the HMAC signer (the JDK's crypto provider is loaded
 * on its first use). Nothing is written anywhere.
 *
 * <p>Why: in the live gateway lab the first packets after start took 150-300 ms each in the stream
 * thread (class loading and interpreted code on two busy cores), so the first PORT command was
 * processed over a second after it was captured and its data connection's SYN was dropped; the
 * packets after them took a few milliseconds. Starting up must not cost the first pinhole (issue
 * 16).
 */
public final class Warmup {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final byte[] CLIENT = {(byte) 192, 0, 2, 1};
    private static final byte[] SERVER = {(byte) 192, 0, 2, 2};

    private Warmup() {}

    /**
     * Runs {@code sessions} synthetic control sessions through {@code tracker} and {@code analyzer}
     * and signs a verdict per gateway of {@code policy} (null: none); returns the expectations the
     * helper announced (two per session: a PORT and a 227), so that a test can see the path really
     * ran.
     */
    public static int run(
            ConnectionTracker tracker,
            ControlChannelAnalyzer analyzer,
            VerdictPolicy policy,
            int sessions) {
        long start = System.nanoTime();
        int expectations = 0;
        for (int i = 0; i < sessions; i++) {
            expectations +=
                    session(tracker, analyzer, 20_000 + i % 40_000, 1_000_000L + i * 10_000_000L);
        }
        if (policy != null) {
            VerdictSigner signer = new VerdictSigner(policy.keyring());
            for (GatewayPolicy g : policy.config().gateways()) {
                roundTrip(signer.sign(verdict(g.id())));
            }
        }
        LOG.info(
                "warm-up: {} synthetic FTP sessions, {} expectations, in {} ms",
                sessions,
                expectations,
                (System.nanoTime() - start) / 1_000_000);
        return expectations;
    }

    private static int session(
            ConnectionTracker tracker, ControlChannelAnalyzer analyzer, int clientPort, long t0) {
        List<PacketRecord> packets = new ArrayList<>();
        long c = 1_000;
        long s = 5_000;
        packets.add(packet(true, clientPort, SYN, c, 0, "", t0));
        packets.add(packet(false, clientPort, SYN | ACK, s, c + 1, "", t0 + 100));
        packets.add(packet(true, clientPort, ACK, c + 1, s + 1, "", t0 + 200));
        String banner = "220 (vsFTPd 3.0.3)\r\n";
        packets.add(packet(false, clientPort, PSH | ACK, s + 1, c + 1, banner, t0 + 300));
        s += banner.length();
        // a line before PORT: the kernel mode never searches a direction's first segment
        String user = "USER anonymous\r\n";
        packets.add(packet(true, clientPort, PSH | ACK, c + 1, s + 1, user, t0 + 320));
        c += user.length();
        String password = "331 Please specify the password.\r\n";
        packets.add(packet(false, clientPort, PSH | ACK, s + 1, c + 1, password, t0 + 340));
        s += password.length();
        String port =
                "PORT 192,0,2,1," + (clientPort >> 8) + "," + ((clientPort + 1) & 0xff) + "\r\n";
        packets.add(packet(true, clientPort, PSH | ACK, c + 1, s + 1, port, t0 + 400));
        c += port.length();
        String ok = "200 PORT command successful.\r\n";
        packets.add(packet(false, clientPort, PSH | ACK, s + 1, c + 1, ok, t0 + 500));
        s += ok.length();
        String pasv = "PASV\r\n";
        packets.add(packet(true, clientPort, PSH | ACK, c + 1, s + 1, pasv, t0 + 600));
        c += pasv.length();
        String reply = "227 Entering Passive Mode (192,0,2,2,195," + (clientPort & 0xff) + ").\r\n";
        packets.add(packet(false, clientPort, PSH | ACK, s + 1, c + 1, reply, t0 + 700));

        TrackedConnection tracked = null;
        ControlChannelState state = null;
        HelperContext ctx = null;
        int announced = 0;
        for (PacketRecord p : packets) {
            roundTrip(p);
            TrackResult r = tracker.track(tracked, p);
            tracked = r.connection();
            if (tracked == null || r.direction() == null) {
                continue;
            }
            if (ctx == null) {
                ctx =
                        HelperContext.of(
                                tracked.connection().getId(),
                                HelperEvents.connTuple(tracked.connection().getOrig()));
                state = analyzer.newState(ctx);
            }
            byte[] payload = new byte[p.getPayload().remaining()];
            p.getPayload().duplicate().get(payload);
            for (HelperOutcome o :
                    analyzer.onSegment(
                            state,
                            r.direction(),
                            new HelperSegment(
                                    p.getTcpSeq(),
                                    p.getTcpFlags(),
                                    payload,
                                    payload.length,
                                    p.getTimestampMicros()),
                            ctx)) {
                if (o instanceof HelperOutcome.ExpectationRequest req) {
                    ExpectationEvent e = HelperAvro.created(req, ctx, p.getSensorId());
                    roundTrip(e);
                    roundTrip(new MatchInput(e, null, null));
                    announced++;
                }
            }
        }
        if (tracked != null) {
            roundTrip(
                    ConnectionEvent.newBuilder()
                            .setType(ConnectionEventType.NEW)
                            .setTimestampMicros(t0)
                            .setConnection(tracked.connection())
                            .setReason(null)
                            .build());
        }
        return announced;
    }

    private static PacketRecord packet(
            boolean fromClient,
            int clientPort,
            int flags,
            long seq,
            long ack,
            String payload,
            long at) {
        byte[] data = payload.getBytes(StandardCharsets.US_ASCII);
        return PacketRecord.newBuilder()
                .setSensorId("warmup")
                .setTimestampMicros(at)
                .setIpVersion(4)
                .setProtocol(6)
                .setSrc(ByteBuffer.wrap(fromClient ? CLIENT : SERVER))
                .setSrcPort(fromClient ? clientPort : 21)
                .setDst(ByteBuffer.wrap(fromClient ? SERVER : CLIENT))
                .setDstPort(fromClient ? 21 : clientPort)
                .setTcpFlags(flags)
                .setTcpSeq(seq)
                .setTcpAck(ack)
                .setTcpWindow(64240)
                .setIpTotalLength(40 + data.length)
                .setPayloadLength(data.length)
                .setPayload(ByteBuffer.wrap(data))
                .build();
    }

    private static Verdict verdict(String gatewayId) {
        return Verdict.newBuilder()
                .setVerdictId("warmup/allow/" + gatewayId)
                .setGatewayId(gatewayId)
                .setAction(VerdictAction.ALLOW)
                .setMatch(
                        VerdictMatch.newBuilder()
                                .setIpVersion(4)
                                .setProtocol(6)
                                .setSrc(ByteBuffer.wrap(SERVER))
                                .setSrcPrefixLength(-1)
                                .setDst(ByteBuffer.wrap(CLIENT))
                                .setDstPort(40_000)
                                .build())
                .setTtlSeconds(1)
                .setReason("warm-up")
                .setEvidence(
                        VerdictEvidence.newBuilder()
                                .setMasterConnectionId(null)
                                .setExpectationId(null)
                                .setAlertIds(List.of())
                                .build())
                .setIssuedAtMicros(0L)
                .setExpiresAtMicros(0L)
                .build();
    }

    /** Encodes and decodes {@code record} with Avro's specific codecs, as the serdes do. */
    private static <T extends SpecificRecord> void roundTrip(T record) {
        Schema schema = record.getSchema();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<T>(schema).write(record, encoder);
            encoder.flush();
            new SpecificDatumReader<T>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new IllegalStateException("warm-up: cannot encode " + schema.getFullName(), e);
        }
    }
}
