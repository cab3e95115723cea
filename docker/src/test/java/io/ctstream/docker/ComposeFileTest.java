package io.ctstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose config} (Debian package {@code docker-compose}; needs no daemon) accepts
 * the compose file with and without the {@code cluster} profile, and the resolved file is the
 * deployment the README describes: what runs where, with which capabilities, mounting files that
 * exist.
 */
class ComposeFileTest {
    private static final Path COMPOSE = Path.of("docker-compose.yml");

    @Test
    void validatesWithAndWithoutTheClusterProfile() throws Exception {
        assertThat(compose("config", "-q").exit()).as("docker-compose config -q").isZero();
        assertThat(compose("--profile", "cluster", "config", "-q").exit())
                .as("docker-compose --profile cluster config -q")
                .isZero();
    }

    @Test
    void theClusterProfileAddsTwoBrokers() throws Exception {
        JsonNode services = resolved().path("services");
        List<String> all = new ArrayList<>();
        List<String> cluster = new ArrayList<>();
        services.fields()
                .forEachRemaining(
                        e -> {
                            all.add(e.getKey());
                            if (texts(e.getValue().path("profiles")).contains("cluster")) {
                                cluster.add(e.getKey());
                            }
                        });
        assertThat(all)
                .containsExactlyInAnyOrder(
                        "kafka",
                        "kafka-2",
                        "kafka-3",
                        "schema-registry",
                        "streams-app-1",
                        "streams-app-2",
                        "capture-agent",
                        "enforcement-agent",
                        "prometheus",
                        "grafana");
        assertThat(cluster).containsExactlyInAnyOrder("kafka-2", "kafka-3");
    }

    @Test
    void agentsRunInTheHostNetworkWithTheirCapabilities() throws Exception {
        JsonNode services = resolved().path("services");
        assertThat(services.path("capture-agent").path("network_mode").asText()).isEqualTo("host");
        assertThat(texts(services.path("capture-agent").path("cap_add")))
                .containsExactlyInAnyOrder("NET_RAW", "NET_ADMIN");
        assertThat(services.path("enforcement-agent").path("network_mode").asText())
                .isEqualTo("host");
        assertThat(texts(services.path("enforcement-agent").path("cap_add")))
                .containsExactly("NET_ADMIN");
        assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:4.");
        assertThat(services.path("schema-registry").path("image").asText())
                .startsWith("confluentinc/cp-schema-registry:7.");
        for (String s : List.of("streams-app-1", "streams-app-2")) {
            assertThat(texts(services.path(s).path("command")))
                    .as(s)
                    .contains("streams", "--policy", "--keys");
        }
    }

    @Test
    void everyMountedFileOrDirectoryExists() throws Exception {
        JsonNode services = resolved().path("services");
        List<String> sources = new ArrayList<>();
        // resolved short syntax: SOURCE:TARGET[:MODE]; a bind mount's source is an absolute path, a
        // volume's a name
        services.forEach(
                s ->
                        s.path("volumes")
                                .forEach(
                                        v -> {
                                            String source = v.asText().split(":")[0];
                                            if (source.startsWith("/")) {
                                                sources.add(source);
                                            }
                                        }));
        assertThat(sources).isNotEmpty();
        assertThat(sources).allSatisfy(src -> assertThat(Path.of(src)).exists());
    }

    private static JsonNode resolved() throws Exception {
        Commands.Run r = compose("config");
        assertThat(r.exit()).as(r.output()).isZero();
        return new YAMLMapper().readTree(r.output());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Commands.Run compose(String... args) throws IOException, InterruptedException {
        Path binary = Path.of("/usr/bin/docker-compose");
        assertThat(binary)
                .as(
                        "docker-compose is missing: install the Debian package 'docker-compose' (.ci/run does)")
                .isExecutable();
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-f", COMPOSE.toString()));
        cmd.addAll(List.of(args));
        // the file's own defaults, not whatever this shell exports
        Map<String, String> env = new HashMap<>();
        System.getenv().keySet().stream()
                .filter(
                        k ->
                                k.startsWith("KAFKA_")
                                        || k.startsWith("CTSTREAM_")
                                        || k.startsWith("COMPOSE_"))
                .forEach(k -> env.put(k, null));
        return Commands.run(Path.of("."), 60, cmd, env);
    }
}
