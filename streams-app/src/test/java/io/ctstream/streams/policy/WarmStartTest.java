package io.ctstream.streams.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.registry.SchemaRegistryClient;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the first pinhole after start needs is ready once {@link StreamsApp#awaitRunning} returns,
 * before any packet: the value schema of every topic the tracker writes on the way to a pinhole,
 * the tentative copies' included, is registered — a registration on the stream thread cost the
 * first pinhole 160 ms in the live gateway lab (issue 16).
 */
@ExtendWith(EmbeddedCluster.class)
class WarmStartTest {

    @Test
    void everySubjectOfThePinholePathIsRegisteredBeforeTheFirstPacket(@TempDir Path state) {
        String prefix = "warm-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        EmbeddedCluster.createTopic(prefix + Topics.PACKETS, 2);
        VerdictPolicy policy =
                new VerdictPolicy(
                        PolicyConfig.parse(
                                "gateways:\n  - id: gw\n    sensors: [gw]\n    helpers: [ftp]\n",
                                "test.yaml"),
                        PolicyFixtures.keyring(),
                        Clock.systemUTC());
        try (StreamsApp app =
                new StreamsApp(
                        StreamsAppConfig.builder()
                                .applicationId(prefix + "app")
                                .bootstrapServers(EmbeddedCluster.bootstrapServers())
                                .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                                .topicPrefix(prefix)
                                .stateDir(state)
                                .policy(policy)
                                .build(),
                        new SimpleMeterRegistry())) {
            app.start();
            app.awaitRunning(Duration.ofMinutes(2));

            assertThat(SchemaRegistryClient.create(EmbeddedCluster.schemaRegistryUrl()).subjects())
                    .contains(
                            prefix + Topics.VERDICTS_TENTATIVE + "-value",
                            prefix + Topics.VERDICTS + "-value",
                            prefix + Topics.CONN_EVENTS + "-value",
                            prefix + ConntrackTopology.MATCH_TOPIC + "-value",
                            prefix + Topics.EXPECTATIONS + "-value",
                            prefix + "app-" + "live-expectations-changelog-value");
        }
    }
}
