package io.ctstream.streams.policy;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.Direction;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.Severity;
import io.ctstream.avro.Tuple;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.enforcement.gate.ReplayMemory;
import io.ctstream.enforcement.gate.VerdictGate;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictVerifier;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;

/** Test data shared by the policy tests: a keyring, a fixed clock, events, and the agent's gate. */
public final class PolicyFixtures {
    static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final long NOW_MICROS = NOW.getEpochSecond() * 1_000_000L;

    private PolicyFixtures() {}

    static byte[] secret(int seed) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) seed);
        return s;
    }

    /** Keys for gateways gw (key k1), gw2 (k2) and dmz (k3). */
    public static VerdictKeyring keyring() {
        return VerdictKeyring.of(
                Map.of(
                        "gw",
                        Map.of("k1", secret(1)),
                        "gw2",
                        Map.of("k2", secret(2)),
                        "dmz",
                        Map.of("k3", secret(3))),
                Map.of());
    }

    static VerdictPolicy policy(String yaml) {
        return new VerdictPolicy(PolicyConfig.parse(yaml, "test.yaml"), keyring(), CLOCK);
    }

    /**
     * The enforcement agent's gate for {@code gateway}, with its default limits widened to wildcard
     * sources (as an agent must be for a gateway whose policy says {@code wildcardSource: true})
     * and the fixed clock.
     */
    static VerdictGate gate(String gateway) {
        return new VerdictGate(
                gateway,
                new VerdictVerifier(keyring()),
                GateLimits.defaults().toBuilder().allowWildcardSource(true).build(),
                new ReplayMemory(10_000),
                () -> NOW_MICROS);
    }

    static ByteBuffer ip(String literal) {
        try {
            return ByteBuffer.wrap(InetAddress.getByName(literal).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ConnectionRef master(String id, String client, int cport, String server, int sport) {
        return ConnectionRef.newBuilder()
                .setConnectionId(id)
                .setOrig(
                        Tuple.newBuilder()
                                .setIpVersion(client.contains(":") ? 6 : 4)
                                .setProtocol(6)
                                .setSrc(ip(client))
                                .setSrcPort(cport)
                                .setDst(ip(server))
                                .setDstPort(sport)
                                .build())
                .build();
    }

    /**
     * An FTP passive expectation: client 10.77.1.2 → server 10.77.2.4:40000, source port wildcard.
     */
    static ExpectationEvent ftp(ExpectationEventType type, long atMicros) {
        long created = 1_000_000_000L;
        return ExpectationEvent.newBuilder()
                .setExpectationId("m1/r/100")
                .setType(type)
                .setTimestampMicros(atMicros)
                .setHelper("ftp")
                .setMode(HelperMode.ROBUST)
                .setMaster(master("m1", "10.77.1.2", 50000, "10.77.2.4", 21))
                .setExpected(
                        ExpectedTuple.newBuilder()
                                .setIpVersion(4)
                                .setProtocol(6)
                                .setSrc(ip("10.77.1.2"))
                                .setSrcPort(null)
                                .setDst(ip("10.77.2.4"))
                                .setDstPort(40000)
                                .build())
                .setDirection(Direction.REPLY)
                .setTimeoutSeconds(300)
                .setCreatedMicros(created)
                .setExpiresAtMicros(created + 300_000_000L)
                .setReason(type == ExpectationEventType.EVICTED ? "max-expected" : null)
                .setSensorId("gw")
                .build();
    }

    static ExpectationEvent ftpCreated() {
        return ftp(ExpectationEventType.CREATED, 1_000_000_000L);
    }

    /**
     * An IRC DCC expectation: anyone → the DCC sender 10.77.1.2:5000 (source address and port
     * wildcards).
     */
    static ExpectationEvent ircCreated() {
        long created = 2_000_000_000L;
        return ExpectationEvent.newBuilder()
                .setExpectationId("m2/o/7")
                .setType(ExpectationEventType.CREATED)
                .setTimestampMicros(created)
                .setHelper("irc")
                .setMode(HelperMode.ROBUST)
                .setMaster(master("m2", "10.77.1.2", 50001, "10.77.2.4", 6667))
                .setExpected(
                        ExpectedTuple.newBuilder()
                                .setIpVersion(4)
                                .setProtocol(6)
                                .setSrc(null)
                                .setSrcPort(null)
                                .setDst(ip("10.77.1.2"))
                                .setDstPort(5000)
                                .build())
                .setDirection(Direction.ORIGINAL)
                .setTimeoutSeconds(300)
                .setCreatedMicros(created)
                .setExpiresAtMicros(created + 300_000_000L)
                .setSensorId("gw")
                .build();
    }

    static Alert alert(String type, String source, String sensor) {
        return Alert.newBuilder()
                .setAlertId("m1/o/55/" + type)
                .setType(type)
                .setSeverity(Severity.CRITICAL)
                .setTimestampMicros(3_000_000_000L)
                .setHelper("ftp")
                .setSource(source == null ? null : ip(source))
                .setMaster(master("m1", "10.77.1.2", 50000, "10.77.2.4", 21))
                .setMessage("PORT announces 10.77.1.99 but the sender is 10.77.1.2")
                .setSensorId(sensor)
                .build();
    }
}
