package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.embedded.junit.EmbeddedCluster;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ctstream analyze -b} on a cluster (the embedded broker and registry): its topics are named
 * under {@code --topic-prefix} and are gone at the end, unless {@code --keep-topics}.
 */
@ExtendWith(EmbeddedCluster.class)
class AnalyzeTopicsTest {
    private static final String PCAP =
            Path.of("..", "testdata", "lab", "ftp-passive.pcap").toString();

    @TempDir Path dir;

    private static Set<String> topics() throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                EmbeddedCluster.bootstrapServers()))) {
            return admin.listTopics().names().get();
        }
    }

    private UserErrorsTest.Run analyze(String prefix, String... more) {
        String[] base = {
            "analyze",
            "-b",
            EmbeddedCluster.bootstrapServers(),
            "-r",
            EmbeddedCluster.schemaRegistryUrl(),
            "--topic-prefix",
            prefix,
            "--pcap",
            PCAP,
            "--out",
            dir.resolve(prefix + "report.json").toString()
        };
        String[] args =
                java.util.stream.Stream.concat(
                                java.util.Arrays.stream(base), java.util.Arrays.stream(more))
                        .toArray(String[]::new);
        return UserErrorsTest.run(args);
    }

    @Test
    void theRunsTopicsAreDeletedAtTheEnd() throws Exception {
        String prefix = "team-" + UUID.randomUUID().toString().substring(0, 6) + ".";
        Set<String> before = topics();
        UserErrorsTest.Run r = analyze(prefix);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).contains("3 connections");
        Set<String> after = topics();
        assertThat(after).noneMatch(t -> t.startsWith(prefix));
        assertThat(after).as("no topic outside the prefix either").isSubsetOf(before);
    }

    @Test
    void keepTopicsKeepsThemAllUnderThePrefix() throws Exception {
        String prefix = "team-" + UUID.randomUUID().toString().substring(0, 6) + ".";
        Set<String> before = topics();
        UserErrorsTest.Run r = analyze(prefix, "--keep-topics");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Set<String> created = new java.util.TreeSet<>(topics());
        created.removeAll(before);
        assertThat(created).isNotEmpty().allMatch(t -> t.startsWith(prefix + "analyze-"));
        assertThat(created)
                .anyMatch(t -> t.endsWith("-packets"))
                .anyMatch(t -> t.endsWith("-conn-events"))
                .anyMatch(t -> t.endsWith("-changelog"));
    }
}
