package io.ctstream.launcher.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.embedded.containers.ConfluentContainers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The whole pipeline (capture-agent replay, streams-app with 4 partitions) on a containerized
 * broker (apache/kafka) and Confluent's schema registry instead of the embedded ones: the passive
 * FTP lab capture gives the kernel's expectation, fulfilled by the data connection.
 * LabConformanceTest checks every scenario on the embedded default; this one checks the same code
 * on the deployment's servers. Skipped where Docker is not available.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPipelineTest {
    @Container static final ConfluentContainers CONFLUENT = new ConfluentContainers();

    @Test
    void passiveFtpOnContainersGivesTheKernelsExpectation() throws Exception {
        PipelineAnalyzer analyzer =
                new PipelineAnalyzer(
                        CONFLUENT.bootstrapServers(),
                        CONFLUENT.schemaRegistryUrl(),
                        new SimpleMeterRegistry());
        ObjectNode report =
                analyzer.analyze(
                                List.of(
                                        new PipelineAnalyzer.Input(
                                                KernelOracle.pcap("ftp-passive"), "gw")),
                                PipelineAnalyzer.Options.defaults())
                        .report();

        assertThat(report.path("expectations").size()).isEqualTo(1);
        JsonNode expectation = report.path("expectations").get(0);
        assertThat(expectation.path("helper").asText()).isEqualTo("ftp");
        assertThat(expectation.path("outcome").asText()).isEqualTo("fulfilled");
        assertThat(report.path("connections").findValuesAsText("ct_state")).contains("RELATED");
    }
}
