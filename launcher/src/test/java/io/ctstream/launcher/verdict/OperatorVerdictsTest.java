package io.ctstream.launcher.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictVerifier;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorVerdictsTest {
    static final String POLICY = Base64.getEncoder().encodeToString(new byte[32]);
    static final String OP =
            Base64.getEncoder().encodeToString("operator-key-of-alice-32-bytes!!".getBytes());
    static final String KEYS =
            "key.gw1.policy = "
                    + POLICY
                    + "\n"
                    + "key.gw1.op-alice = "
                    + OP
                    + "\n"
                    + "scope.gw1.op-alice = BLOCK,REVOKE,ALLOW max-ttl=3600 min-src-prefix-v4=16\n"
                    + "key.gw2.policy = "
                    + POLICY
                    + "\n"
                    + "key.gw2.op-alice = "
                    + OP
                    + "\n"
                    + "scope.gw2.op-alice = BLOCK max-ttl=600\n";
    static final VerdictKeyring RING = VerdictKeyring.parse(KEYS, "keys");
    static final long NOW = 1_800_000_000_000_000L;
    final OperatorVerdicts verdicts = new OperatorVerdicts(RING, GateLimits.defaults());

    static OperatorVerdicts.Request req(
            List<String> gws,
            VerdictAction a,
            String src,
            String dst,
            String port,
            int ttl,
            String keyId) {
        return new OperatorVerdicts.Request(
                gws,
                a,
                OperatorMatch.of(src, dst, "tcp", port),
                ttl,
                "scan from 203.0.113.9",
                keyId,
                "alice",
                null);
    }

    @Test
    void aBlockIsSignedWithTheOperatorKeyOncePerGatewayAndTheIdIgnoresTime() {
        List<Verdict> vs =
                verdicts.build(
                        req(
                                List.of("gw1", "gw2"),
                                VerdictAction.BLOCK,
                                "203.0.113.9",
                                null,
                                null,
                                600,
                                "op-alice"),
                        NOW,
                        60_000_000L);
        assertThat(vs).extracting(Verdict::getGatewayId).containsExactly("gw1", "gw2");
        assertThat(vs)
                .allSatisfy(
                        v -> {
                            assertThat(v.getKeyId()).isEqualTo("op-alice");
                            assertThat(v.getReason())
                                    .isEqualTo("operator alice: scan from 203.0.113.9");
                            assertThat(new VerdictVerifier(RING).verify(v))
                                    .isEqualTo(VerdictVerifier.Result.VALID);
                        });
        List<Verdict> again =
                verdicts.build(
                        req(
                                List.of("gw1", "gw2"),
                                VerdictAction.BLOCK,
                                "203.0.113.9",
                                null,
                                null,
                                600,
                                "op-alice"),
                        NOW + 5_000_000,
                        60_000_000L);
        assertThat(again)
                .extracting(Verdict::getVerdictId)
                .isEqualTo(vs.stream().map(Verdict::getVerdictId).toList());
        assertThat(vs.get(0).getVerdictId())
                .isNotEqualTo(vs.get(1).getVerdictId())
                .startsWith("op-");
        OperatorVerdicts.Request other =
                new OperatorVerdicts.Request(
                        List.of("gw1"),
                        VerdictAction.BLOCK,
                        OperatorMatch.of("203.0.113.9", null, "tcp", null),
                        600,
                        "scan from 203.0.113.9",
                        "op-alice",
                        "alice",
                        "2");
        assertThat(verdicts.build(other, NOW, 60_000_000L).get(0).getVerdictId())
                .isNotEqualTo(vs.get(0).getVerdictId());
    }

    @Test
    void everyBadInputIsAOneLineUserError() {
        assertRefused(
                () -> OperatorMatch.of("10.0.0.300", null, "tcp", null),
                "--src 10.0.0.300: not an IP address");
        assertRefused(
                () -> OperatorMatch.of("10.0.0.0/33", null, "tcp", null),
                "prefix length must be 1-32");
        assertRefused(
                () -> OperatorMatch.of("10.0.0.9/24", null, "tcp", null),
                "host bits set after /24");
        assertRefused(
                () -> OperatorMatch.of("example.com", null, "tcp", null), "not an IP address");
        assertRefused(
                () -> OperatorMatch.of("10.0.0.1", "10.0.0.2", "tcp", "70000"),
                "--port 70000: out of range");
        assertRefused(
                () -> OperatorMatch.of("10.0.0.1", "10.0.0.2", "tcp", "ssh"),
                "--port ssh: not a port number");
        assertRefused(
                () -> OperatorMatch.of("10.0.0.1", "fd00::1", "tcp", "22"),
                "not the same IP version");
        assertRefused(() -> OperatorMatch.of("10.0.0.1", null, "icmp", null), "--proto icmp");
        assertRefused(() -> OperatorOptions.seconds("--ttl", "1y"), "--ttl 1y: not a duration");
        // TTL over the gate's maximum (the gate's, not the scope's: here the scope allows more)
        OperatorVerdicts narrowGate =
                new OperatorVerdicts(
                        RING,
                        new GateLimits(
                                300,
                                24,
                                64,
                                true,
                                GateLimits.PORT_PROTOCOLS,
                                java.time.Duration.ofSeconds(5),
                                1));
        assertRefused(
                () ->
                        narrowGate.build(
                                req(
                                        List.of("gw1"),
                                        VerdictAction.BLOCK,
                                        "203.0.113.9",
                                        null,
                                        null,
                                        600,
                                        "op-alice"),
                                NOW,
                                60_000_000L),
                "gateway gw1 would refuse this verdict: overbroad-ttl: ttl 600 s > 300");
        assertRefused(
                () ->
                        verdicts.build(
                                req(
                                        List.of("gw9"),
                                        VerdictAction.BLOCK,
                                        "203.0.113.9",
                                        null,
                                        null,
                                        60,
                                        "op-alice"),
                                NOW,
                                60_000_000L),
                "--gateway gw9: unknown gateway");
        assertRefused(
                () ->
                        verdicts.build(
                                req(
                                        List.of("gw1"),
                                        VerdictAction.BLOCK,
                                        "203.0.113.9",
                                        null,
                                        null,
                                        60,
                                        "op-bob"),
                                NOW,
                                60_000_000L),
                "--key-id op-bob: no such key for gateway gw1");
        assertRefused(
                () ->
                        verdicts.build(
                                req(
                                        List.of("gw1"),
                                        VerdictAction.BLOCK,
                                        "203.0.113.9",
                                        null,
                                        null,
                                        60,
                                        "policy"),
                                NOW,
                                60_000_000L),
                "has no scope line");
        // beyond the scope: an action gw2's scope lacks, a TTL over the scope, a prefix wider than
        // the scope
        assertRefused(
                () ->
                        verdicts.build(
                                req(
                                        List.of("gw1", "gw2"),
                                        VerdictAction.REVOKE,
                                        "203.0.113.9",
                                        null,
                                        null,
                                        0,
                                        "op-alice"),
                                NOW,
                                60_000_000L),
                "key gw2/op-alice may not sign this");
        assertRefused(
                () ->
                        verdicts.build(
                                req(
                                        List.of("gw2"),
                                        VerdictAction.BLOCK,
                                        "203.0.113.9",
                                        null,
                                        null,
                                        601,
                                        "op-alice"),
                                NOW,
                                60_000_000L),
                "ttl 601 s > 600");
        assertRefused(
                () ->
                        verdicts.build(
                                req(
                                        List.of("gw1"),
                                        VerdictAction.BLOCK,
                                        "10.0.0.0/8",
                                        null,
                                        null,
                                        60,
                                        "op-alice"),
                                NOW,
                                60_000_000L),
                "BLOCK of /8 < /16");
        // an ALLOW broader than the policy's pinholes: a prefix, no source, every port
        assertRefused(
                () ->
                        verdicts.build(
                                req(
                                        List.of("gw1"),
                                        VerdictAction.ALLOW,
                                        "10.0.0.0/24",
                                        "10.0.1.2",
                                        "22",
                                        60,
                                        "op-alice"),
                                NOW,
                                60_000_000L),
                "ALLOW from /24, only single hosts");
        assertRefused(
                () ->
                        verdicts.build(
                                req(
                                        List.of("gw1"),
                                        VerdictAction.ALLOW,
                                        null,
                                        "10.0.1.2",
                                        "22",
                                        60,
                                        "op-alice"),
                                NOW,
                                60_000_000L),
                "ALLOW without a source");
        assertRefused(
                () ->
                        verdicts.build(
                                req(
                                        List.of("gw1"),
                                        VerdictAction.ALLOW,
                                        "10.0.0.1",
                                        "10.0.1.2",
                                        null,
                                        60,
                                        "op-alice"),
                                NOW,
                                60_000_000L),
                "one destination host and port");
        assertRefused(
                () ->
                        verdicts.build(
                                new OperatorVerdicts.Request(
                                        List.of("gw1"),
                                        VerdictAction.BLOCK,
                                        OperatorMatch.of("203.0.113.9", null, "tcp", null),
                                        60,
                                        " ",
                                        "op-alice",
                                        "alice",
                                        null),
                                NOW,
                                1),
                "--reason is required");
    }

    static void assertRefused(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call)
                .isInstanceOf(UserException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
