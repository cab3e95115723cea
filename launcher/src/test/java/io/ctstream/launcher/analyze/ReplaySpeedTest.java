package io.ctstream.launcher.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.streams.matching.MatcherConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Timeouts and matching follow packet timestamps, never the wall clock: replaying a capture at its
 * recorded pace and as fast as possible gives the same connections (events, states, counters,
 * history) and the same expectations.
 */
@ExtendWith(EmbeddedCluster.class)
class ReplaySpeedTest {

    @Test
    void recordedPaceAndFullSpeedGiveIdenticalResults() throws Exception {
        PipelineAnalyzer analyzer =
                new PipelineAnalyzer(
                        EmbeddedCluster.bootstrapServers(),
                        EmbeddedCluster.schemaRegistryUrl(),
                        new SimpleMeterRegistry());
        List<PipelineAnalyzer.Input> inputs =
                List.of(
                        new PipelineAnalyzer.Input(KernelOracle.pcap("ftp-pasv-twice"), "gw"),
                        new PipelineAnalyzer.Input(KernelOracle.pcap("irc-dcc-send"), "gw"));
        // The two captures were recorded a minute apart: at full speed one partition's stream time
        // can run that far
        // ahead of another's, so the matcher's grace must cover it for the comparison to be about
        // pace alone.
        PipelineAnalyzer.Options options =
                new PipelineAnalyzer.Options(
                        4,
                        2,
                        Duration.ofMillis(1500),
                        Duration.ofMinutes(3),
                        b ->
                                b.matcher(
                                        new MatcherConfig(
                                                Duration.ofMinutes(2).toNanos() / 1000, 64, 64)));
        ObjectNode atPace =
                analyzer.analyze(inputs, options.toBuilder().replaySpeed(1.0).build()).report();
        ObjectNode fast = analyzer.analyze(inputs, options).report();

        assertThat(fast.path("connections").size()).isGreaterThan(3);
        assertThat(fast.path("expectations").size()).isEqualTo(3);
        assertThat(fast.path("connections")).isEqualTo(atPace.path("connections"));
        assertThat(fast.path("expectations")).isEqualTo(atPace.path("expectations"));
        assertThat(fast.path("alerts")).isEqualTo(atPace.path("alerts"));
    }
}
