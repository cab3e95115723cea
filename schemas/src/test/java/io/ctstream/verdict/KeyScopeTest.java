package io.ctstream.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyScopeTest {
    static final String POLICY = Base64.getEncoder().encodeToString(new byte[32]);
    static final String OPERATOR =
            Base64.getEncoder()
                    .encodeToString(
                            new byte[] {
                                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                                20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
                            });

    static Verdict verdict(
            VerdictAction action, byte[] src, int prefix, byte[] dst, int port, int ttl) {
        return Verdict.newBuilder()
                .setVerdictId("v1")
                .setGatewayId("gw")
                .setAction(action)
                .setMatch(
                        VerdictMatch.newBuilder()
                                .setIpVersion(4)
                                .setProtocol(6)
                                .setSrc(src == null ? null : ByteBuffer.wrap(src))
                                .setSrcPrefixLength(prefix)
                                .setDst(dst == null ? null : ByteBuffer.wrap(dst))
                                .setDstPort(port)
                                .build())
                .setTtlSeconds(ttl)
                .setReason("r")
                .setEvidence(VerdictEvidence.newBuilder().setAlertIds(List.of()).build())
                .setIssuedAtMicros(1)
                .setExpiresAtMicros(2)
                .build();
    }

    static final byte[] A = {10, 0, 0, 1};
    static final byte[] B = {10, 0, 0, 2};

    @Test
    void aScopeLineParsesWithDefaultsAndOptions() {
        KeyScope s = KeyScope.parse("BLOCK,revoke");
        assertThat(s.actions())
                .containsExactlyInAnyOrder(VerdictAction.BLOCK, VerdictAction.REVOKE);
        assertThat(s.maxTtlSeconds()).isEqualTo(KeyScope.DEFAULT_MAX_TTL);
        KeyScope t = KeyScope.parse("ALLOW max-ttl=60 min-src-prefix-v4=24 min-src-prefix-v6=64");
        assertThat(t.maxTtlSeconds()).isEqualTo(60);
        assertThat(t.minSrcPrefixV4()).isEqualTo(24);
        assertThat(t.minSrcPrefixV6()).isEqualTo(64);
        assertThatThrownBy(() -> KeyScope.parse("DENY"))
                .hasMessageContaining("unknown action 'DENY'");
        assertThatThrownBy(() -> KeyScope.parse("BLOCK ttl=5"))
                .hasMessageContaining("unknown option 'ttl'");
        assertThatThrownBy(() -> KeyScope.parse("BLOCK max-ttl=x"))
                .hasMessageContaining("max-ttl is not a number");
        assertThatThrownBy(() -> KeyScope.parse("BLOCK min-src-prefix-v4=0"))
                .hasMessageContaining("1-32");
    }

    @Test
    void aScopeHoldsActionsTtlPrefixesAndNarrowAllows() {
        KeyScope s = KeyScope.parse("BLOCK,REVOKE,ALLOW max-ttl=600 min-src-prefix-v4=16");
        assertThat(s.violation(verdict(VerdictAction.BLOCK, A, 16, null, 0, 600))).isEmpty();
        assertThat(s.violation(verdict(VerdictAction.BLOCK, A, 8, null, 0, 60)))
                .contains("BLOCK of /8 < /16");
        assertThat(s.violation(verdict(VerdictAction.BLOCK, A, -1, null, 0, 601)))
                .contains("ttl 601 s > 600");
        assertThat(s.violation(verdict(VerdictAction.ALLOW, A, -1, B, 22, 60))).isEmpty();
        assertThat(s.violation(verdict(VerdictAction.ALLOW, A, 32, B, 22, 60))).isEmpty();
        assertThat(s.violation(verdict(VerdictAction.ALLOW, A, 24, B, 22, 60)))
                .get()
                .asString()
                .contains("/24");
        assertThat(s.violation(verdict(VerdictAction.ALLOW, null, -1, B, 22, 60)))
                .contains("ALLOW without a source");
        assertThat(s.violation(verdict(VerdictAction.ALLOW, A, -1, B, 0, 60)))
                .get()
                .asString()
                .contains("one destination");
        // REVOKE only closes: no TTL or breadth limit
        assertThat(s.violation(verdict(VerdictAction.REVOKE, A, 8, null, 0, 99999))).isEmpty();
        KeyScope blockOnly = KeyScope.parse("BLOCK");
        assertThat(blockOnly.violation(verdict(VerdictAction.ALLOW, A, -1, B, 22, 60)))
                .contains("ALLOW not in [BLOCK]");
        assertThat(blockOnly.violation(verdict(VerdictAction.REVOKE, A, -1, B, 22, 60)))
                .contains("REVOKE not in [BLOCK]");
    }

    @Test
    void theKeyringReadsScopesAndKeepsPolicyKeysUnscoped() {
        VerdictKeyring ring =
                VerdictKeyring.parse(
                        """
                key.gw.policy = %s
                key.gw.op-alice = %s
                scope.gw.op-alice = BLOCK,REVOKE max-ttl=900
                """
                                .formatted(POLICY, OPERATOR),
                        "keys");
        assertThat(ring.scope("gw", "op-alice"))
                .get()
                .extracting(KeyScope::maxTtlSeconds)
                .isEqualTo(900);
        assertThat(ring.scope("gw", "policy")).isEmpty();
        // the scoped key never signs the policy's verdicts nor the agent's reports, so no 'active'
        // is needed
        assertThat(ring.signingKey("gw").keyId()).isEqualTo("policy");
        assertThat(ring.reportKey("gw").keyId()).isEqualTo("policy");
        Verdict signed =
                new VerdictSigner(ring)
                        .sign(verdict(VerdictAction.BLOCK, A, -1, null, 0, 60), "op-alice");
        assertThat(signed.getKeyId()).isEqualTo("op-alice");
        assertThat(new VerdictVerifier(ring).verify(signed))
                .isEqualTo(VerdictVerifier.Result.VALID);
        assertThat(new VerdictVerifier(ring).scopeOf(signed)).isPresent();
        assertThatThrownBy(
                        () ->
                                new VerdictSigner(ring)
                                        .sign(
                                                verdict(VerdictAction.BLOCK, A, -1, null, 0, 60),
                                                "op-bob"))
                .hasMessageContaining("no key op-bob for gateway gw");
    }

    @Test
    void badScopeLinesNameTheFileAndLine() {
        assertThatThrownBy(
                        () ->
                                VerdictKeyring.parse(
                                        "key.gw.a = " + POLICY + "\nscope.gw.b = BLOCK", "f"))
                .isInstanceOf(KeyringException.class)
                .hasMessageContaining("f:2")
                .hasMessageContaining("not listed");
        assertThatThrownBy(
                        () ->
                                VerdictKeyring.parse(
                                        "key.gw.a = " + POLICY + "\nscope.gw.a = NOPE", "f"))
                .hasMessageContaining("f:2")
                .hasMessageContaining("unknown action");
        assertThatThrownBy(
                        () ->
                                VerdictKeyring.parse(
                                        "key.gw.a = "
                                                + POLICY
                                                + "\nkey.gw.b = "
                                                + OPERATOR
                                                + "\nactive.gw = b\nscope.gw.b = BLOCK",
                                        "f"))
                .hasMessageContaining("f:4")
                .hasMessageContaining("active");
        assertThatThrownBy(
                        () ->
                                VerdictKeyring.parse(
                                        "key.gw.a = "
                                                + POLICY
                                                + "\nscope.gw.a = BLOCK\nscope.gw.a = BLOCK",
                                        "f"))
                .hasMessageContaining("f:3")
                .hasMessageContaining("twice");
    }
}
