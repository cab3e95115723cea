package io.ctstream.capture.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EdgePayloadPolicyTest {
    private final EdgePayloadPolicy defaults = EdgePayloadPolicy.defaults();

    @Test
    void tcpToOrFromHelperPortsKeepsPayloadUpToTheCap() {
        assertThat(defaults.keepBytes(6, 40000, 21, false, 100)).isEqualTo(100);
        assertThat(defaults.keepBytes(6, 21, 40000, false, 100)).isEqualTo(100);
        assertThat(defaults.keepBytes(6, 6667, 50000, false, 10_000))
                .isEqualTo(EdgePayloadPolicy.DEFAULT_CAP);
    }

    @Test
    void udpToOrFromUdpHelperPortsKeepsPayload() {
        assertThat(defaults.keepBytes(17, 40000, 69, false, 30)).as("a TFTP request").isEqualTo(30);
        assertThat(defaults.keepBytes(6, 40000, 69, false, 30)).as("TCP to 69").isZero();
        assertThat(defaults.keepBytes(17, 50123, 40000, false, 516))
                .as("the transfer itself")
                .isZero();
        EdgePayloadPolicy p = new EdgePayloadPolicy(List.of(21), List.of(1069), 16);
        assertThat(p.keepBytes(17, 1069, 40000, false, 100)).isEqualTo(16);
        assertThat(p.keepBytes(17, 40000, 69, false, 100)).isZero();
    }

    @Test
    void everythingElseTravelsAsHeadersOnly() {
        assertThat(defaults.keepBytes(6, 40000, 80, false, 100)).isZero();
        assertThat(defaults.keepBytes(17, 40000, 21, false, 100)).isZero();
        assertThat(defaults.keepBytes(6, 0, 0, true, 100)).isZero();
    }

    @Test
    void portsAndCapAreConfigurable() {
        EdgePayloadPolicy p = new EdgePayloadPolicy(List.of(2121), 16);
        assertThat(p.keepBytes(6, 2121, 1, false, 100)).isEqualTo(16);
        assertThat(p.keepBytes(6, 21, 1, false, 100)).isZero();
        assertThatThrownBy(() -> new EdgePayloadPolicy(List.of(70000), 1))
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> new EdgePayloadPolicy(List.of(21), -1))
                .hasMessageContaining("cap");
    }
}
