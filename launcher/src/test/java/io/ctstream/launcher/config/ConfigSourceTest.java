package io.ctstream.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.launcher.errors.ExitCodes;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.streams.StreamsAppConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one config source: file, then --set; client keys to the clients, ctstream's keys to the
 * builders.
 */
class ConfigSourceTest {
    @TempDir Path dir;

    @Test
    void clientKeysGoToTheClientsAndCtstreamKeysToTheBuilders() throws Exception {
        Path f =
                Files.writeString(
                        dir.resolve("c.properties"),
                        String.join(
                                "\n",
                                "bootstrap.servers=k:9093",
                                "security.protocol=SASL_SSL",
                                "commit.interval.ms=50",
                                "conntrack.udp.timeout=10s",
                                "helper.ftp.ports=2121",
                                "edge.payload-cap=512",
                                ""));
        ConfigSource s = ConfigSource.of(f, Map.of());
        assertThat(s.clientProperties())
                .containsOnlyKeys("bootstrap.servers", "security.protocol", "commit.interval.ms");
        assertThat(s.tunables())
                .containsOnlyKeys("conntrack.udp.timeout", "helper.ftp.ports", "edge.payload-cap");
        StreamsAppConfig streams = s.bindStreams(builder()).build();
        assertThat(streams.conntrack().udpTimeout()).isEqualTo(Duration.ofSeconds(10));
        CaptureAgentConfig edge = s.bindEdge(agent()).build();
        assertThat(edge.payloadCap()).isEqualTo(512);
        // without edge.helper-ports the sensor keeps what the helpers read
        assertThat(edge.helperPorts()).containsExactly(2121, 6667);
    }

    @Test
    void setBeatsTheFileAndIsCheckedTheSameWay() throws Exception {
        Path f =
                Files.writeString(
                        dir.resolve("c.properties"), "conntrack.udp.timeout=60s\nlinger.ms=20\n");
        Map<String, String> set = new LinkedHashMap<>();
        set.put("conntrack.udp.timeout", "10s");
        set.put("linger.ms", "1");
        ConfigSource s = ConfigSource.of(f, set);
        assertThat(s.bindStreams(builder()).build().conntrack().udpTimeout())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(s.clientProperties()).containsEntry("linger.ms", "1");
        assertThatThrownBy(() -> ConfigSource.of(f, Map.of("helper.ftp.max-expect", "2")))
                .isInstanceOf(UserException.class)
                .hasMessage(
                        "--set helper.ftp.max-expect=2: unknown key helper.ftp.max-expect "
                                + "(did you mean helper.ftp.max-expected?)")
                .matches(e -> ((UserException) e).exitCode() == ExitCodes.USAGE);
    }

    @Test
    void anUnknownFileKeyNamesTheClosestAndAFarOneSaysWhereTheKeysAre() throws Exception {
        Path f =
                Files.writeString(
                        dir.resolve("typo.properties"), "conntrack.tcp.timeout.establshed=1h\n");
        assertThatThrownBy(() -> ConfigSource.of(f, Map.of()))
                .isInstanceOf(UserException.class)
                .hasMessage(
                        "--config "
                                + f
                                + ": unknown key conntrack.tcp.timeout.establshed "
                                + "(did you mean conntrack.tcp.timeout.established?)");
        Path far =
                Files.writeString(dir.resolve("far.properties"), "completely.different.thing=1\n");
        assertThatThrownBy(() -> ConfigSource.of(far, Map.of()))
                .hasMessageContaining("CONFIGURATION.md");
    }

    @Test
    void aBadValueFailsWhenReadNamingTheKeyAndWhereItWasSet() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.properties"), "helper.irc.max-expected=300\n");
        assertThatThrownBy(() -> ConfigSource.of(f, Map.of()))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("--config " + f + ": ")
                .hasMessageContaining("helper.irc.max-expected")
                .hasMessageContaining("no more than 255");
        assertThatThrownBy(() -> ConfigSource.of(null, Map.of("edge.payload-cap", "-1")))
                .hasMessageStartingWith("--set: ")
                .hasMessageContaining("edge.payload-cap");
    }

    /** Every edge key sets its field (the streams-app keys: StreamsKeysTest). */
    @Test
    void edgeKeysBind() {
        ConfigSource s =
                ConfigSource.of(
                        null,
                        Map.of(
                                "edge.payload-cap",
                                "100",
                                "edge.helper-ports",
                                "21,990",
                                "edge.batch.packets",
                                "1",
                                "edge.batch.age",
                                "20ms",
                                "edge.queue",
                                "10"));
        CaptureAgentConfig c = s.bindEdge(agent()).build();
        assertThat(c.payloadCap()).isEqualTo(100);
        assertThat(c.helperPorts()).containsExactly(21, 990);
        assertThat(c.batch().packets()).isEqualTo(1);
        assertThat(c.batch().micros()).isEqualTo(20_000);
        assertThat(c.queueCapacity()).isEqualTo(10);
        assertThat(EdgeKeys.KEYS.keys().stream().map(k -> k.name()).toList())
                .isEqualTo(
                        List.of(
                                "edge.payload-cap",
                                "edge.helper-ports",
                                "edge.batch.packets",
                                "edge.batch.age",
                                "edge.queue"));
    }

    private static StreamsAppConfig.Builder builder() {
        return StreamsAppConfig.builder()
                .bootstrapServers("k:9092")
                .schemaRegistryUrl("http://r:8081");
    }

    private static CaptureAgentConfig.Builder agent() {
        return CaptureAgentConfig.builder()
                .sensorId("s")
                .topic("packets")
                .replay(List.of(Path.of("x.pcap")), 0);
    }
}
