package io.ctstream.streams.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.verdict.KeyringException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerdictPolicyTest {

    @Test
    void aGatewayTheKeyFileCannotSignForStopsTheStart() {
        assertThatThrownBy(
                        () ->
                                PolicyFixtures.policy(
                                        "gateways:\n  - id: gw-unknown\n    sensors: [s]\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("policy gateway 'gw-unknown' cannot be signed for")
                .hasMessageContaining("no key for gateway gw-unknown");
    }

    @Test
    void aKeyIdThatIsNotTheSigningKeyStopsTheStart() {
        assertThatThrownBy(
                        () ->
                                PolicyFixtures.policy(
                                        "gateways:\n  - id: gw\n    sensors: [s]\n    keyId: k9\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining(
                        "must sign with key id 'k9' but the key file's signing key for it is 'k1'");
        assertThat(
                        PolicyFixtures.policy(
                                        "gateways:\n  - id: gw\n    sensors: [s]\n    keyId: k1\n")
                                .config()
                                .gateway("gw")
                                .keyId())
                .isEqualTo("k1");
    }

    @Test
    void loadsBothFiles(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, "gateways:\n  - id: gw\n    sensors: [gw]\n    helpers: [ftp]\n");
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                "key.gw.k1 = "
                        + Base64.getEncoder().encodeToString(PolicyFixtures.secret(1))
                        + "\n");
        Files.setPosixFilePermissions(
                keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(VerdictPolicy.load(policy, keys).config().gateways()).hasSize(1);

        Files.writeString(keys, "key.gw.k1 = short\n");
        Files.setPosixFilePermissions(
                keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> VerdictPolicy.load(policy, keys))
                .isInstanceOf(KeyringException.class)
                .hasMessageContaining(keys + ":1");
    }
}
