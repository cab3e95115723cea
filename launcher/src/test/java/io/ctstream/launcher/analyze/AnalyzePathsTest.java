package io.ctstream.launcher.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ctstream analyze}'s two paths give the same report on every traffic-lab capture: the topology in-process
 * without a broker ({@link InProcessAnalyzer}, the default) and the real pipeline on a broker ({@link PipelineAnalyzer}:
 * the capture agent into Kafka, streams-app with 4 partitions and 2 stream threads, here on the embedded broker and
 * registry), both with {@code analyze}'s defaults. Connections, expectations, refused announcements and alerts are
 * compared whole, field by field.
 */
@ExtendWith(EmbeddedCluster.class)
class AnalyzePathsTest {

    static Stream<String> scenarios() throws Exception {
        return KernelOracle.scenarios().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void inProcessReportIsTheBrokerRunsReport(String scenario) throws Exception {
        List<PipelineAnalyzer.Input> inputs = List.of(new PipelineAnalyzer.Input(KernelOracle.pcap(scenario), "gw"));
        PipelineAnalyzer.Options options = PipelineAnalyzer.Options.defaults();

        ObjectNode onBroker = new PipelineAnalyzer(EmbeddedCluster.bootstrapServers(), EmbeddedCluster.schemaRegistryUrl(),
                new SimpleMeterRegistry()).analyze(inputs, options).report();
        ObjectNode inProcess = new InProcessAnalyzer(new SimpleMeterRegistry(), false).analyze(inputs, options).report();

        assertThat(onBroker.path("connections").size()).as("%s: the broker run found connections", scenario).isPositive();
        assertThat(inProcess).as("%s: in-process report vs the broker run's", scenario).isEqualTo(onBroker);
    }
}
