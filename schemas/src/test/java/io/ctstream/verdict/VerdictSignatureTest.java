package io.ctstream.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VerdictSignatureTest {

    static final byte[] K1 = secret(1);
    static final byte[] K2 = secret(2);

    static byte[] secret(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    static Verdict verdict() {
        return Verdict.newBuilder()
                .setVerdictId("v-1")
                .setGatewayId("gw1")
                .setAction(VerdictAction.ALLOW)
                .setMatch(
                        VerdictMatch.newBuilder()
                                .setIpVersion(4)
                                .setProtocol(6)
                                .setSrc(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                                .setSrcPrefixLength(-1)
                                .setDst(ByteBuffer.wrap(new byte[] {10, 0, 0, 2}))
                                .setDstPort(2000)
                                .build())
                .setTtlSeconds(60)
                .setReason("ftp expectation")
                .setEvidence(
                        VerdictEvidence.newBuilder()
                                .setMasterConnectionId("c1")
                                .setExpectationId("e1")
                                .setAlertIds(List.of("a1", "a2"))
                                .build())
                .setIssuedAtMicros(1_000_000L)
                .setExpiresAtMicros(2_000_000L)
                .build();
    }

    static VerdictKeyring ring(Map<String, byte[]> keys, String active) {
        return VerdictKeyring.of(
                Map.of("gw1", keys), active == null ? Map.of() : Map.of("gw1", active));
    }

    @Test
    void signedVerdictVerifiesAndNamesItsKey() {
        VerdictKeyring ring = ring(Map.of("k1", K1), null);
        Verdict signed = new VerdictSigner(ring).sign(verdict());
        assertThat(signed.getKeyId()).isEqualTo("k1");
        assertThat(signed.getSignature().remaining()).isEqualTo(32);
        assertThat(new VerdictVerifier(ring).verify(signed))
                .isEqualTo(VerdictVerifier.Result.VALID);
        // the input is not changed
        assertThat(verdict().getSignature()).isNull();
    }

    @Test
    void survivesAvroRoundTrip() throws Exception {
        VerdictKeyring ring = ring(Map.of("k1", K1), null);
        Verdict signed = new VerdictSigner(ring).sign(verdict());
        Verdict back = Verdict.fromByteBuffer(signed.toByteBuffer());
        assertThat(new VerdictVerifier(ring).verify(back)).isEqualTo(VerdictVerifier.Result.VALID);
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("verdictId", (Consumer<Verdict>) v -> v.setVerdictId("v-2")),
                Arguments.of("gatewayId", (Consumer<Verdict>) v -> v.setGatewayId("gw2")),
                Arguments.of("action", (Consumer<Verdict>) v -> v.setAction(VerdictAction.BLOCK)),
                Arguments.of("ipVersion", (Consumer<Verdict>) v -> v.getMatch().setIpVersion(6)),
                Arguments.of("protocol", (Consumer<Verdict>) v -> v.getMatch().setProtocol(17)),
                Arguments.of(
                        "src",
                        (Consumer<Verdict>)
                                v ->
                                        v.getMatch()
                                                .setSrc(ByteBuffer.wrap(new byte[] {10, 0, 0, 9}))),
                Arguments.of("src null", (Consumer<Verdict>) v -> v.getMatch().setSrc(null)),
                Arguments.of(
                        "srcPrefixLength",
                        (Consumer<Verdict>) v -> v.getMatch().setSrcPrefixLength(8)),
                Arguments.of(
                        "dst",
                        (Consumer<Verdict>)
                                v ->
                                        v.getMatch()
                                                .setDst(ByteBuffer.wrap(new byte[] {10, 0, 0, 3}))),
                Arguments.of("dst null", (Consumer<Verdict>) v -> v.getMatch().setDst(null)),
                Arguments.of("dstPort", (Consumer<Verdict>) v -> v.getMatch().setDstPort(0)),
                Arguments.of("ttlSeconds", (Consumer<Verdict>) v -> v.setTtlSeconds(86400)),
                Arguments.of("reason", (Consumer<Verdict>) v -> v.setReason("other")),
                Arguments.of(
                        "masterConnectionId",
                        (Consumer<Verdict>) v -> v.getEvidence().setMasterConnectionId(null)),
                Arguments.of(
                        "expectationId",
                        (Consumer<Verdict>) v -> v.getEvidence().setExpectationId("e2")),
                Arguments.of(
                        "alertIds",
                        (Consumer<Verdict>) v -> v.getEvidence().setAlertIds(List.of("a1"))),
                Arguments.of(
                        "alertIds split",
                        (Consumer<Verdict>) v -> v.getEvidence().setAlertIds(List.of("a1a2"))),
                Arguments.of("issuedAtMicros", (Consumer<Verdict>) v -> v.setIssuedAtMicros(1L)),
                Arguments.of(
                        "expiresAtMicros",
                        (Consumer<Verdict>) v -> v.setExpiresAtMicros(Long.MAX_VALUE)),
                Arguments.of("keyId", (Consumer<Verdict>) v -> v.setKeyId("k2")),
                Arguments.of(
                        "signature bit",
                        (Consumer<Verdict>)
                                v -> {
                                    byte[] s = v.getSignature().array().clone();
                                    s[0] ^= 1;
                                    v.setSignature(ByteBuffer.wrap(s));
                                }),
                Arguments.of(
                        "signature truncated",
                        (Consumer<Verdict>)
                                v ->
                                        v.setSignature(
                                                ByteBuffer.wrap(v.getSignature().array(), 0, 31)
                                                        .slice())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void anyChangeBreaksTheSignature(String field, Consumer<Verdict> change) {
        VerdictKeyring ring = ring(Map.of("k1", K1, "k2", K2), "k1");
        Verdict signed = new VerdictSigner(ring).sign(verdict());
        Verdict tampered = Verdict.newBuilder(signed).build(); // deep copy
        change.accept(tampered);
        assertThat(new VerdictVerifier(ring).verify(tampered))
                .isIn(VerdictVerifier.Result.BAD_SIGNATURE, VerdictVerifier.Result.UNKNOWN_KEY);
        if (!field.equals("gatewayId")) {
            assertThat(new VerdictVerifier(ring).verify(tampered))
                    .isEqualTo(VerdictVerifier.Result.BAD_SIGNATURE);
        }
    }

    @Test
    void encodingCoversEverySchemaFieldButTheSignature() {
        List<String> fields =
                Verdict.getClassSchema().getFields().stream()
                        .map(Schema.Field::name)
                        .filter(n -> !n.equals("signature"))
                        .collect(Collectors.toList());
        assertThat(VerdictCanonicalEncoding.COVERED_FIELDS).containsExactlyElementsOf(fields);
        assertThat(VerdictMatch.getClassSchema().getFields()).hasSize(6);
        assertThat(VerdictEvidence.getClassSchema().getFields()).hasSize(3);
        assertThat(VerdictCanonicalEncoding.encode(verdict())[0])
                .isEqualTo(VerdictCanonicalEncoding.VERSION);
    }

    @Test
    void unsignedAndUnknownKeyAreTold() {
        VerdictKeyring ring = ring(Map.of("k1", K1), null);
        VerdictVerifier verifier = new VerdictVerifier(ring);
        assertThat(verifier.verify(verdict())).isEqualTo(VerdictVerifier.Result.UNSIGNED);
        Verdict noSig = new VerdictSigner(ring).sign(verdict());
        noSig.setSignature(null);
        assertThat(verifier.verify(noSig)).isEqualTo(VerdictVerifier.Result.UNSIGNED);
        Verdict other =
                new VerdictSigner(VerdictKeyring.of(Map.of("gw1", Map.of("kx", K2)), Map.of()))
                        .sign(verdict());
        assertThat(verifier.verify(other)).isEqualTo(VerdictVerifier.Result.UNKNOWN_KEY);
        // same key id, different secret: a forgery
        Verdict forged =
                new VerdictSigner(VerdictKeyring.of(Map.of("gw1", Map.of("k1", K2)), Map.of()))
                        .sign(verdict());
        assertThat(verifier.verify(forged)).isEqualTo(VerdictVerifier.Result.BAD_SIGNATURE);
        // a key of another gateway does not sign for gw1
        VerdictKeyring two =
                VerdictKeyring.of(
                        Map.of("gw1", Map.of("k1", K1), "gw2", Map.of("k9", K2)), Map.of());
        Verdict gw2signed =
                new VerdictSigner(two)
                        .sign(Verdict.newBuilder(verdict()).setGatewayId("gw2").build());
        gw2signed.setGatewayId("gw1");
        assertThat(new VerdictVerifier(two).verify(gw2signed))
                .isEqualTo(VerdictVerifier.Result.UNKNOWN_KEY);
    }

    @Test
    void rotationOldKeyVerifiesUntilRemovedNewKeySigns() {
        VerdictKeyring before = ring(Map.of("k1", K1), null);
        Verdict oldSigned = new VerdictSigner(before).sign(verdict());

        VerdictKeyring during = ring(Map.of("k1", K1, "k2", K2), "k2");
        Verdict newSigned = new VerdictSigner(during).sign(verdict());
        assertThat(newSigned.getKeyId()).isEqualTo("k2");
        assertThat(new VerdictVerifier(during).verify(oldSigned))
                .isEqualTo(VerdictVerifier.Result.VALID);
        assertThat(new VerdictVerifier(during).verify(newSigned))
                .isEqualTo(VerdictVerifier.Result.VALID);

        VerdictKeyring after = ring(Map.of("k2", K2), null);
        assertThat(new VerdictVerifier(after).verify(oldSigned))
                .isEqualTo(VerdictVerifier.Result.UNKNOWN_KEY);
        assertThat(new VerdictVerifier(after).verify(newSigned))
                .isEqualTo(VerdictVerifier.Result.VALID);
    }

    @Test
    void keyFileParsesAndRejectsClearly() {
        String b64 = java.util.Base64.getEncoder().encodeToString(K1);
        String b64b = java.util.Base64.getEncoder().encodeToString(K2);
        VerdictKeyring ring =
                VerdictKeyring.parse(
                        """
                # keys
                key.gw.lab.1.old = %s
                key.gw.lab.1.new = %s

                active.gw.lab.1 = new
                """
                                .formatted(b64, b64b),
                        "keys.properties");
        assertThat(ring.gateways()).containsExactly("gw.lab.1");
        assertThat(ring.signingKey("gw.lab.1").keyId()).isEqualTo("new");
        assertThat(ring.key("gw.lab.1", "old")).isPresent();
        assertThat(ring.toString()).doesNotContain(b64);

        assertThatThrownBy(() -> VerdictKeyring.parse("key.gw.k1 = AAAA", "f"))
                .isInstanceOf(KeyringException.class)
                .hasMessageContaining("f:1")
                .hasMessageContaining("at least 32");
        assertThatThrownBy(() -> VerdictKeyring.parse("\nkey.gw.k1 = not base64!", "f"))
                .hasMessageContaining("f:2")
                .hasMessageContaining("not base64");
        assertThatThrownBy(
                        () ->
                                VerdictKeyring.parse(
                                        "key.gw.k1 = " + b64 + "\nkey.gw.k1 = " + b64b, "f"))
                .hasMessageContaining("f:2")
                .hasMessageContaining("twice");
        assertThatThrownBy(
                        () -> VerdictKeyring.parse("key.gw.k1 = " + b64 + "\nactive.gw = k2", "f"))
                .hasMessageContaining("f:2")
                .hasMessageContaining("not listed");
        assertThatThrownBy(() -> VerdictKeyring.parse("gw.k1 = " + b64, "f"))
                .hasMessageContaining("unknown entry");
        assertThatThrownBy(() -> VerdictKeyring.parse("key.gw = " + b64, "f"))
                .hasMessageContaining("key.<gateway>.<keyId>");
        assertThatThrownBy(() -> VerdictKeyring.parse("# nothing\n", "f"))
                .hasMessageContaining("no keys");
        assertThatThrownBy(() -> VerdictKeyring.load(java.nio.file.Path.of("/nonexistent/keys")))
                .hasMessageContaining("cannot read key file /nonexistent/keys");
        VerdictKeyring two =
                VerdictKeyring.parse("key.gw.a = " + b64 + "\nkey.gw.b = " + b64b, "f");
        assertThatThrownBy(() -> two.signingKey("gw")).hasMessageContaining("active.gw");
        assertThatThrownBy(() -> two.signingKey("nope"))
                .hasMessageContaining("no key for gateway nope");
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedAsSshRefusesAPrivateKey(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path keys = dir.resolve("keys");
        java.nio.file.Files.writeString(
                keys, "key.gw.k1 = " + java.util.Base64.getEncoder().encodeToString(K1) + "\n");
        for (String open : java.util.List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----")) {
            java.nio.file.Files.setPosixFilePermissions(
                    keys, java.nio.file.attribute.PosixFilePermissions.fromString(open));
            assertThatThrownBy(() -> VerdictKeyring.load(keys))
                    .as(open)
                    .isInstanceOf(KeyringException.class)
                    .hasMessageContaining(keys.toString())
                    .hasMessageContaining(open)
                    .hasMessageContaining("chmod 600");
        }
        java.nio.file.Files.setPosixFilePermissions(
                keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(VerdictKeyring.load(keys).gateways()).containsExactly("gw");
        java.nio.file.Files.setPosixFilePermissions(
                keys, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        assertThat(VerdictKeyring.load(keys).gateways()).containsExactly("gw");
    }
}
