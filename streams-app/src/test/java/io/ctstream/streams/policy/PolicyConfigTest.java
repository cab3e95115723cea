package io.ctstream.streams.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.ExpectationEventType;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyConfigTest {

    private static final String GOOD_GATEWAY = "gateways:\n  - id: gw\n    sensors: [gw]\n";

    @Test
    void theDocumentedExampleLoads() {
        PolicyConfig p = PolicyConfig.load(Path.of("policy.example.yaml"));
        assertThat(p.verdictValidity()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.revokeOn())
                .containsExactlyInAnyOrder(
                        ExpectationEventType.FULFILLED,
                        ExpectationEventType.EVICTED,
                        ExpectationEventType.EXPIRED,
                        ExpectationEventType.MASTER_DESTROYED);
        assertThat(p.gateways())
                .extracting(GatewayPolicy::id)
                .containsExactly("gw-lab-1", "gw-dmz");
        GatewayPolicy lab = p.gateway("gw-lab-1");
        assertThat(lab.keyId()).isEqualTo("2026-12");
        assertThat(lab.helpers()).containsExactlyInAnyOrder("ftp", "irc");
        assertThat(lab.pinholeTtlSeconds()).hasValue(120);
        assertThat(p.gateway("gw-dmz").pinholeTtlSeconds()).isEmpty();
        assertThat(p.gateway("gw-dmz").helpers()).containsExactly("ftp");
        assertThat(p.alertResponses())
                .containsKeys("ftp-bounce", "forged-dcc", "expectation-flood");
        assertThat(p.alertResponses().get("ftp-bounce").blockSeconds()).isEqualTo(600);
    }

    @Test
    void defaultsWhenOptionalFieldsAreMissing() {
        PolicyConfig p = PolicyConfig.parse(GOOD_GATEWAY, "p.yaml");
        assertThat(p.verdictValidity()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.revokeOn()).isEqualTo(PolicyConfig.REVOCABLE);
        assertThat(p.alertResponses()).isEmpty();
        assertThat(p.gateway("gw").helpers()).isEmpty();
        assertThat(p.gateway("gw").keyId()).isNull();
    }

    @Test
    void revokeOnMaySelectSomeEnds() {
        PolicyConfig p =
                PolicyConfig.parse(
                        "revokeOn: [expired, master-destroyed]\n" + GOOD_GATEWAY, "p.yaml");
        assertThat(p.revokeOn())
                .containsExactlyInAnyOrder(
                        ExpectationEventType.EXPIRED, ExpectationEventType.MASTER_DESTROYED);
        assertThat(PolicyConfig.parse("revokeOn: []\n" + GOOD_GATEWAY, "p.yaml").revokeOn())
                .isEmpty();
    }

    @Test
    void subnetsMatchTheirAddressesOnly() throws Exception {
        GatewayPolicy g =
                PolicyConfig.parse(
                                "gateways:\n  - id: gw\n    subnets: [10.77.0.0/16, '2001:db8::/32', 192.0.2.7]\n",
                                "p.yaml")
                        .gateway("gw");
        assertThat(g.sees(null, addr("10.77.200.1"))).isTrue();
        assertThat(g.sees(null, addr("10.78.0.1"))).isFalse();
        assertThat(g.sees(null, addr("2001:db8:1::5"))).isTrue();
        assertThat(g.sees(null, addr("2001:db9::5"))).isFalse();
        assertThat(g.sees(null, addr("192.0.2.7"))).isTrue();
        assertThat(g.sees(null, addr("192.0.2.8"))).isFalse();
        assertThat(g.sees("some-sensor", (ByteBuffer) null)).isFalse();
    }

    private static ByteBuffer addr(String s) throws Exception {
        return ByteBuffer.wrap(InetAddress.getByName(s).getAddress());
    }

    static Stream<Arguments> badPolicies() {
        return Stream.of(
                Arguments.of(
                        "no gateways",
                        "verdictValiditySeconds: 60",
                        "p.yaml: gateways: at least one gateway is required"),
                Arguments.of(
                        "validity zero",
                        "verdictValiditySeconds: 0\n" + GOOD_GATEWAY + "",
                        "p.yaml: verdictValiditySeconds: must be 1-3600 s, got 0"),
                Arguments.of(
                        "validity not a number",
                        "verdictValiditySeconds: soon\n" + GOOD_GATEWAY + "",
                        "p.yaml: verdictValiditySeconds:"),
                Arguments.of(
                        "unknown top-level field",
                        "gatways: []\n",
                        "p.yaml: gatways: unknown field 'gatways'"),
                Arguments.of(
                        "unknown gateway field",
                        "gateways:\n  - id: gw\n    sensors: [gw]\n    subnet: [10.0.0.0/8]\n",
                        "p.yaml: gateways[0].subnet: unknown field 'subnet'"),
                Arguments.of(
                        "gateway without id",
                        "gateways:\n  - sensors: [gw]\n",
                        "p.yaml: gateways[0].id: is required"),
                Arguments.of(
                        "gateway id with a space",
                        "gateways:\n  - id: gw 1\n    sensors: [gw]\n",
                        "p.yaml: gateways[0].id: 'gw 1' may only hold"),
                Arguments.of(
                        "duplicate gateway",
                        "gateways:\n  - id: gw\n    sensors: [a]\n  - id: gw\n    sensors: [b]\n",
                        "p.yaml: gateways[1].id: gateway 'gw' is listed twice"),
                Arguments.of(
                        "gateway that sees nothing",
                        "gateways:\n  - id: gw\n    helpers: [ftp]\n",
                        "p.yaml: gateways[0] (gw): needs 'sensors' or 'subnets'"),
                Arguments.of(
                        "empty sensor",
                        "gateways:\n  - id: gw\n    sensors: ['']\n",
                        "p.yaml: gateways[0].sensors[0]: empty sensor id"),
                Arguments.of(
                        "prefix too long",
                        "gateways:\n  - id: gw\n    subnets: [10.0.0.0/8, 10.0.0.0/33]\n",
                        "p.yaml: gateways[0].subnets[1]: '10.0.0.0/33' has prefix length 33, must be 0-32"),
                Arguments.of(
                        "host bits",
                        "gateways:\n  - id: gw\n    subnets: [10.0.0.1/8]\n",
                        "p.yaml: gateways[0].subnets[0]: '10.0.0.1/8' has host bits set below /8"),
                Arguments.of(
                        "host name",
                        "gateways:\n  - id: gw\n    subnets: [example.com]\n",
                        "p.yaml: gateways[0].subnets[0]: 'example.com' is not an IPv4 or IPv6 address literal"),
                Arguments.of(
                        "bad octet",
                        "gateways:\n  - id: gw\n    subnets: [10.0.0.256]\n",
                        "p.yaml: gateways[0].subnets[0]: '10.0.0.256' is not a valid address"),
                Arguments.of(
                        "unknown helper",
                        "gateways:\n  - id: gw\n    sensors: [gw]\n    helpers: [ftp, sip]\n",
                        "p.yaml: gateways[0].helpers[1]: unknown helper 'sip'"),
                Arguments.of(
                        "bad key id",
                        "gateways:\n  - id: gw\n    sensors: [gw]\n    keyId: a/b\n",
                        "p.yaml: gateways[0].keyId: 'a/b' may only hold"),
                Arguments.of(
                        "empty pinhole sensors",
                        "gateways:\n  - id: gw\n    sensors: [gw]\n    pinholeSensors: []\n",
                        "p.yaml: gateways[0].pinholeSensors: is empty: no expectation could open a pinhole (omit it for any sensor that sees the gateway)"),
                Arguments.of(
                        "ttl zero",
                        "gateways:\n  - id: gw\n    sensors: [gw]\n    pinholeTtlSeconds: 0\n",
                        "p.yaml: gateways[0].pinholeTtlSeconds: must be 1-86400 s, got 0"),
                Arguments.of(
                        "ttl over a day",
                        "gateways:\n  - id: gw\n    sensors: [gw]\n    pinholeTtlSeconds: 86401\n",
                        "p.yaml: gateways[0].pinholeTtlSeconds: must be 1-86400 s, got 86401"),
                Arguments.of(
                        "unknown alert type",
                        "alertResponses:\n  ftp-bouncy: {blockSeconds: 10}\n" + GOOD_GATEWAY + "",
                        "p.yaml: alertResponses.ftp-bouncy: unknown alert type 'ftp-bouncy'"),
                Arguments.of(
                        "alert response without time",
                        "alertResponses:\n  ftp-bounce: {}\n" + GOOD_GATEWAY + "",
                        "p.yaml: alertResponses.ftp-bounce.blockSeconds: is required"),
                Arguments.of(
                        "alert block too long",
                        "alertResponses:\n  ftp-bounce: {blockSeconds: 100000}\n"
                                + GOOD_GATEWAY
                                + "",
                        "p.yaml: alertResponses.ftp-bounce.blockSeconds: must be 1-86400 s, got 100000"),
                Arguments.of(
                        "unknown alert field",
                        "alertResponses:\n  ftp-bounce: {block: 10}\n" + GOOD_GATEWAY + "",
                        "p.yaml: alertResponses.ftp-bounce.block: unknown field 'block'"),
                Arguments.of(
                        "revoke on created",
                        "revokeOn: [CREATED]\n" + GOOD_GATEWAY + "",
                        "p.yaml: revokeOn[0]: 'CREATED' is not an expectation end that can revoke a pinhole"),
                Arguments.of("not yaml", "gateways: [\n", "p.yaml: not valid YAML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPolicies")
    void eachBadFieldGivesAMessageNamingIt(String what, String yaml, String expected) {
        assertThatThrownBy(() -> PolicyConfig.parse(yaml, "p.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith(expected.strip());
    }

    @Test
    void missingFileNamesTheFile() {
        assertThatThrownBy(() -> PolicyConfig.load(Path.of("no-such-policy.yaml")))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("no-such-policy.yaml");
    }
}
