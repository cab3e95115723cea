package io.ctstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.HelperMode;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.conntrack.ConntrackConfig;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.policy.PolicyConfig;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.verdict.VerdictKeyring;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The warm-up really runs the pinhole path: each synthetic session announces its PORT and its 227.
 */
class WarmupTest {

    @Test
    void everySyntheticSessionAnnouncesBothDataConnectionsInBothModes() {
        for (HelperMode mode : HelperMode.values()) {
            ControlChannelAnalyzer analyzer =
                    new ControlChannelAnalyzer(
                            HelperConfig.defaults().toBuilder().mode(mode).build());
            assertThat(
                            Warmup.run(
                                    new ConnectionTracker(ConntrackConfig.defaults()),
                                    analyzer,
                                    null,
                                    3))
                    .as("%s", mode)
                    .isEqualTo(6);
        }
    }

    @Test
    void signsForEveryGatewayOfThePolicy() {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        VerdictPolicy policy =
                new VerdictPolicy(
                        PolicyConfig.parse(
                                "gateways:\n  - id: gw\n    sensors: [gw]\n    helpers: [ftp]\n",
                                "test.yaml"),
                        VerdictKeyring.of(Map.of("gw", Map.of("k1", secret)), Map.of()),
                        Clock.systemUTC());
        assertThat(
                        Warmup.run(
                                new ConnectionTracker(ConntrackConfig.defaults()),
                                new ControlChannelAnalyzer(HelperConfig.defaults()),
                                policy,
                                1))
                .isEqualTo(2);
    }
}
