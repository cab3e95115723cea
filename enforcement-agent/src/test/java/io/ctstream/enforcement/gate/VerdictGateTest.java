package io.ctstream.enforcement.gate;

import static io.ctstream.enforcement.TestVerdicts.GW;
import static io.ctstream.enforcement.TestVerdicts.match;
import static io.ctstream.enforcement.TestVerdicts.signed;
import static io.ctstream.enforcement.TestVerdicts.unsigned;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.TestVerdicts;
import io.ctstream.enforcement.nft.NftElement;
import io.ctstream.enforcement.nft.NftSet;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictSigner;
import io.ctstream.verdict.VerdictVerifier;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerdictGateTest {
    static final long T0 = 1_700_000_000_000_000L;
    final AtomicLong now = new AtomicLong(T0);
    final GateLimits limits =
            new GateLimits(
                    3600, 24, 64, false, GateLimits.PORT_PROTOCOLS, Duration.ofSeconds(2), 1000);
    final VerdictGate gate =
            new VerdictGate(
                    GW,
                    new VerdictVerifier(TestVerdicts.KEYRING),
                    limits,
                    new ReplayMemory(1000),
                    now::get);

    Verdict allow() {
        return signed(VerdictAction.ALLOW, match("10.0.0.1", -1, "10.0.0.2", 6, 2000), 60, T0);
    }

    @Test
    void acceptsASignedExactAllow() {
        GateDecision d = gate.check(allow());
        assertThat(d.accepted()).isTrue();
        assertThat(d.elements())
                .containsExactly(new NftElement(NftSet.ALLOW4, "10.0.0.1 . 10.0.0.2 . 6 . 2000"));
    }

    @Test
    void refusesUnsigned() {
        Verdict v =
                unsigned(
                        VerdictAction.ALLOW,
                        match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                        60,
                        T0,
                        60_000_000L);
        GateDecision d = gate.check(v);
        assertThat(d.refusal()).isEqualTo(Refusal.UNSIGNED);
        assertThat(d.reportReason()).isEqualTo("unsigned");
    }

    @Test
    void refusesForgedAndTampered() {
        // signed with a secret the agent does not have, under the agent's key id
        byte[] wrong = new byte[32];
        VerdictKeyring attacker =
                VerdictKeyring.parse(
                        "key." + GW + ".k1 = " + Base64.getEncoder().encodeToString(wrong), "x");
        Verdict forged =
                new VerdictSigner(attacker)
                        .sign(
                                unsigned(
                                        VerdictAction.ALLOW,
                                        match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                                        60,
                                        T0,
                                        60_000_000L));
        assertThat(gate.check(forged).refusal()).isEqualTo(Refusal.BAD_SIGNATURE);

        Verdict tampered = allow();
        tampered.getMatch().setDstPort(22);
        assertThat(gate.check(tampered).refusal()).isEqualTo(Refusal.BAD_SIGNATURE);

        Verdict unknownKey =
                new VerdictSigner(
                                VerdictKeyring.parse(
                                        "key."
                                                + GW
                                                + ".k9 = "
                                                + Base64.getEncoder()
                                                        .encodeToString(TestVerdicts.SECRET),
                                        "x"))
                        .sign(
                                unsigned(
                                        VerdictAction.ALLOW,
                                        match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                                        60,
                                        T0,
                                        60_000_000L));
        GateDecision d = gate.check(unknownKey);
        assertThat(d.refusal()).isEqualTo(Refusal.UNKNOWN_KEY);
        assertThat(d.reportReason()).isEqualTo("unknown-key: key id k9");
    }

    @Test
    void refusesAnotherGatewaysVerdict() {
        Verdict v =
                unsigned(
                        VerdictAction.ALLOW,
                        match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                        60,
                        T0,
                        60_000_000L);
        v.setGatewayId("gw-other");
        Verdict signedForOther = TestVerdicts.SIGNER.sign(v); // validly signed, but for gw-other
        assertThat(gate.check(signedForOther).refusal()).isEqualTo(Refusal.WRONG_GATEWAY);
    }

    @Test
    void refusesExpiredBeyondSkew() {
        Verdict v = allow(); // expires at T0 + 60 s
        now.set(T0 + 61_000_000L); // within 2 s skew
        assertThat(gate.check(v).accepted()).isTrue();
        now.set(T0 + 62_000_001L);
        assertThat(gate.check(allow()).refusal()).isEqualTo(Refusal.EXPIRED);
    }

    @Test
    void refusesReplays() {
        Verdict v = allow();
        assertThat(gate.check(v).accepted()).isTrue();
        Verdict again = Verdict.newBuilder(v).build();
        assertThat(gate.check(again).refusal()).isEqualTo(Refusal.REPLAYED);
        // still refused by the expiry check once the memory forgot it
        now.set(T0 + 70_000_000L);
        assertThat(gate.check(again).refusal()).isEqualTo(Refusal.EXPIRED);
    }

    @Test
    void refusesOverbroad() {
        assertThat(
                        gate.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.1", -1, null, 6, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_NO_DESTINATION);
        assertThat(
                        gate.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.1", -1, "10.0.0.2", 6, 0),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_PORT);
        assertThat(
                        gate.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match(null, -1, "10.0.0.2", 6, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_WILDCARD_SOURCE);
        assertThat(
                        gate.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.0", 16, "10.0.0.2", 6, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_SOURCE_PREFIX);
        assertThat(
                        gate.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("2001:db8::", 48, "2001:db8::2", 6, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_SOURCE_PREFIX);
        assertThat(
                        gate.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                                                3601,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_TTL);
        assertThat(
                        gate.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.1", -1, "10.0.0.2", 1, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_PROTOCOL);
        assertThat(
                        gate.check(
                                        signed(
                                                VerdictAction.BLOCK,
                                                match(null, -1, "10.0.0.2", 6, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_WILDCARD_SOURCE);
        assertThat(Refusal.OVERBROAD_SOURCE_PREFIX.reason()).isEqualTo("overbroad-source-prefix");
    }

    @Test
    void acceptsWhatTheLimitsAllow() {
        GateLimits open = new GateLimits(3600, 24, 64, true, Set.of(6, 17), Duration.ZERO, 10);
        VerdictGate g =
                new VerdictGate(
                        GW,
                        new VerdictVerifier(TestVerdicts.KEYRING),
                        open,
                        new ReplayMemory(10),
                        now::get);
        assertThat(
                        g.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match(null, -1, "2001:db8::2", 17, 5000),
                                                60,
                                                T0))
                                .elements())
                .containsExactly(
                        new NftElement(NftSet.ALLOW6_ANYSRC, "2001:db8:0:0:0:0:0:2 . 17 . 5000"));
        assertThat(
                        g.check(
                                        signed(
                                                VerdictAction.BLOCK,
                                                match("10.9.9.9", 24, null, 6, 0),
                                                60,
                                                T0))
                                .elements())
                .containsExactly(new NftElement(NftSet.BLOCK4_SRC, "10.9.9.0/24"));
        // REVOKE is not held to breadth limits: it only closes
        assertThat(
                        g.check(
                                        signed(
                                                VerdictAction.REVOKE,
                                                match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                                                0,
                                                T0))
                                .elements())
                .containsExactly(
                        new NftElement(NftSet.ALLOW4, "10.0.0.1 . 10.0.0.2 . 6 . 2000"),
                        new NftElement(NftSet.BLOCK4, "10.0.0.1 . 10.0.0.2 . 6 . 2000"));
    }

    @Test
    void theDefaultsKeepPinholesAsNarrowAsAKernelExpectationAndLetBlocksBeWider() {
        VerdictGate narrow =
                new VerdictGate(
                        GW,
                        new VerdictVerifier(TestVerdicts.KEYRING),
                        GateLimits.defaults(),
                        new ReplayMemory(100),
                        now::get);
        // an ALLOW: one source host, a known source, at most an hour
        assertThat(
                        narrow.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                                                3600,
                                                T0))
                                .accepted())
                .isTrue();
        assertThat(
                        narrow.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.1", 32, "10.0.0.2", 6, 2000),
                                                60,
                                                T0))
                                .accepted())
                .isTrue();
        assertThat(
                        narrow.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.0", 24, "10.0.0.2", 6, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_SOURCE_PREFIX);
        assertThat(
                        narrow.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("2001:db8::", 64, "2001:db8::2", 6, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_SOURCE_PREFIX);
        assertThat(
                        narrow.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match(null, -1, "10.0.0.2", 6, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_WILDCARD_SOURCE);
        assertThat(
                        narrow.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                                                3601,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_TTL);
        // a BLOCK only closes: a /24 for a day
        assertThat(
                        narrow.check(
                                        signed(
                                                VerdictAction.BLOCK,
                                                match("10.9.9.0", 24, null, 6, 0),
                                                86_400,
                                                T0))
                                .accepted())
                .isTrue();
        assertThat(
                        narrow.check(
                                        signed(
                                                VerdictAction.BLOCK,
                                                match("10.9.0.0", 16, null, 6, 0),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_SOURCE_PREFIX);
    }

    @Test
    void aGatewayWhosePolicyAllowsWildcardSourcesWidensOnlyThat() {
        VerdictGate dcc =
                new VerdictGate(
                        GW,
                        new VerdictVerifier(TestVerdicts.KEYRING),
                        GateLimits.defaults().toBuilder().allowWildcardSource(true).build(),
                        new ReplayMemory(100),
                        now::get);
        assertThat(
                        dcc.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match(null, -1, "10.0.0.2", 6, 5000),
                                                300,
                                                T0))
                                .accepted())
                .isTrue();
        assertThat(
                        dcc.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.0", 24, "10.0.0.2", 6, 2000),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_SOURCE_PREFIX);
        assertThat(
                        dcc.check(
                                        signed(
                                                VerdictAction.BLOCK,
                                                match(null, -1, "10.0.0.2", 6, 0),
                                                60,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.OVERBROAD_WILDCARD_SOURCE);
    }

    @Test
    void refusesMalformed() {
        Verdict v = TestVerdicts.SIGNER.sign(withDst(new byte[] {1, 2, 3}));
        GateDecision d = gate.check(v);
        assertThat(d.refusal()).isEqualTo(Refusal.MALFORMED);
        assertThat(d.detail()).contains("3 bytes");
        assertThat(
                        gate.check(
                                        signed(
                                                VerdictAction.ALLOW,
                                                match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                                                0,
                                                T0))
                                .refusal())
                .isEqualTo(Refusal.MALFORMED);
    }

    private static Verdict withDst(byte[] dst) {
        Verdict v =
                unsigned(
                        VerdictAction.ALLOW,
                        match("10.0.0.1", -1, "10.0.0.2", 6, 2000),
                        60,
                        T0,
                        60_000_000L);
        v.getMatch().setDst(ByteBuffer.wrap(dst));
        return v;
    }

    @Test
    void replayMemoryIsBoundedAndForgetsExpiredIds() {
        ReplayMemory m = new ReplayMemory(2);
        m.remember("a", 10, 0);
        m.remember("b", 20, 0);
        m.remember("c", 30, 0);
        assertThat(m.seen("a")).isFalse();
        assertThat(m.seen("b")).isTrue();
        assertThat(m.forgottenEarly()).isEqualTo(1);
        m.remember("d", 40, 25); // b expired at 20
        assertThat(m.seen("b")).isFalse();
        assertThat(m.size()).isEqualTo(2);
        assertThat(List.of(m.seen("c"), m.seen("d"))).containsOnly(true);
    }

    @Test
    void refusesAVerdictBeyondItsKeysScopeWithTheReason() {
        String op = Base64.getEncoder().encodeToString(TestVerdicts.OTHER_SECRET);
        VerdictKeyring ring =
                VerdictKeyring.parse(
                        TestVerdicts.KEY_FILE_TEXT
                                + "key."
                                + GW
                                + ".op-alice = "
                                + op
                                + "\n"
                                + "scope."
                                + GW
                                + ".op-alice = BLOCK,REVOKE max-ttl=600 min-src-prefix-v4=24\n",
                        "keys");
        VerdictSigner signer = new VerdictSigner(ring);
        VerdictGate scoped =
                new VerdictGate(
                        GW, new VerdictVerifier(ring), limits, new ReplayMemory(1000), now::get);

        Verdict block =
                signer.sign(
                        unsigned(
                                VerdictAction.BLOCK,
                                match("10.0.0.0", 24, null, 6, 0),
                                600,
                                T0,
                                60_000_000L),
                        "op-alice");
        assertThat(scoped.check(block).accepted()).isTrue();

        Verdict allow =
                signer.sign(
                        unsigned(
                                VerdictAction.ALLOW,
                                match("10.0.0.1", -1, "10.0.0.2", 6, 22),
                                60,
                                T0,
                                60_000_000L),
                        "op-alice");
        GateDecision d = scoped.check(allow);
        assertThat(d.refusal()).isEqualTo(Refusal.OUT_OF_SCOPE);
        assertThat(d.reportReason())
                .isEqualTo("out-of-scope: key op-alice: ALLOW not in [BLOCK, REVOKE]");

        Verdict longBlock =
                signer.sign(
                        unsigned(
                                VerdictAction.BLOCK,
                                match("10.0.0.9", -1, null, 6, 0),
                                601,
                                T0,
                                60_000_000L),
                        "op-alice");
        assertThat(scoped.check(longBlock).reportReason())
                .isEqualTo("out-of-scope: key op-alice: ttl 601 s > 600");

        Verdict wideBlock =
                signer.sign(
                        unsigned(
                                VerdictAction.BLOCK,
                                match("10.0.0.0", 16, null, 6, 0),
                                60,
                                T0,
                                60_000_000L),
                        "op-alice");
        assertThat(scoped.check(wideBlock).reportReason())
                .isEqualTo("out-of-scope: key op-alice: BLOCK of /16 < /24");

        // the policy key (no scope line) signs the same ALLOW and it passes
        Verdict policyAllow =
                signer.sign(
                        unsigned(
                                VerdictAction.ALLOW,
                                match("10.0.0.1", -1, "10.0.0.2", 6, 22),
                                60,
                                T0,
                                60_000_000L));
        assertThat(policyAllow.getKeyId()).isEqualTo("k1");
        assertThat(scoped.check(policyAllow).accepted()).isTrue();
    }
}
