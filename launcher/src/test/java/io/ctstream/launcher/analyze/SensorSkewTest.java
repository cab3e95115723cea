package io.ctstream.launcher.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.capture.batch.BatchOptions;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.capture.file.PcapWriter;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.streams.ConntrackTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two sensors: one sees ftp-passive's control connection, the other its two data connections, with
 * a clock that runs behind. The data sensor's capture is replayed first, so the data connections
 * reach the matcher before the 227 replies that announced them — the skew between partitions and
 * sensors that the matcher's grace exists for. Within the grace they are still RELATED to their
 * master; beyond it they are not (the grace is bounded).
 */
@ExtendWith(EmbeddedCluster.class)
class SensorSkewTest {
    private static final String SCENARIO = "ftp-passive";

    @TempDir Path tmp;

    /** The capture agents' per-flow batches (their default) and one record per packet. */
    static List<Integer> batchSizes() {
        return List.of(BatchOptions.DEFAULT_PACKETS, 1);
    }

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("batchSizes")
    void dataConnectionsSeenFirstByASensorTwoSecondsBehindAreRelated(int batchPackets)
            throws Exception {
        Split split = split(-2_000_000L);
        PipelineAnalyzer.Result result = analyze(split, batchPackets);
        ObjectNode report = result.report();
        KernelOracle kernel = KernelOracle.load(SCENARIO);

        List<MatchInput> match =
                new TopicReader(
                                EmbeddedCluster.bootstrapServers(),
                                EmbeddedCluster.schemaRegistryUrl())
                        .readAll(
                                result.topicPrefix() + ConntrackTopology.MATCH_TOPIC,
                                MatchInput.class);
        List<String> expectations = new ArrayList<>();
        report.path("expectations").forEach(e -> expectations.add(KernelOracle.expectation(e)));
        assertThat(expectations)
                .as("the kernel's expectations, both fulfilled; match inputs %s", match)
                .containsExactlyInAnyOrderElementsOf(kernel.expectations());

        JsonNode control = controlConnection(report);
        List<JsonNode> related = new ArrayList<>();
        for (JsonNode c : report.path("connections")) {
            if (c.path("master_id").asText().equals(control.path("id").asText())) {
                related.add(c);
                assertThat(c.path("status").toString()).contains("EXPECTED");
                assertThat(c.path("sensors").toString()).isEqualTo("[\"edge-data\"]");
            }
        }
        assertThat(related).as("data connections related to the control connection").hasSize(2);
        assertThat(related.stream().map(c -> KernelOracle.tuple(c.path("orig"))).toList())
                .containsExactlyInAnyOrderElementsOf(kernel.related());

        // The order really was connection first: on the match partition of each expected
        // destination, the
        // new connection precedes the expectation.
        for (JsonNode c : related) {
            int port = c.path("orig").path("dport").asInt();
            int connectionAt = indexOf(match, port, true);
            int expectationAt = indexOf(match, port, false);
            assertThat(connectionAt)
                    .as("data connection to port %d reached the matcher", port)
                    .isNotNegative();
            assertThat(connectionAt)
                    .as("data connection to port %d before its expectation", port)
                    .isLessThan(expectationAt);
        }
    }

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("batchSizes")
    void dataConnectionsFromASensorTenSecondsBehindAreBeyondTheGraceAndStayNew(int batchPackets)
            throws Exception {
        ObjectNode report = analyze(split(-10_000_000L), batchPackets).report();
        JsonNode control = controlConnection(report);
        for (JsonNode c : report.path("connections")) {
            assertThat(c.path("master").isNull())
                    .as("no connection is RELATED: %s", c.path("orig"))
                    .isTrue();
        }
        List<String> outcomes = new ArrayList<>();
        report.path("expectations").forEach(e -> outcomes.add(e.path("outcome").asText()));
        // The first is replaced by the second 227 (max_expected=1); the second waits for its
        // timeout.
        assertThat(outcomes).containsExactly("evicted", "pending");
        assertThat(control.path("helper").asText()).isEqualTo("ftp");
    }

    private PipelineAnalyzer.Result analyze(Split split, int batchPackets) throws IOException {
        PipelineAnalyzer analyzer =
                new PipelineAnalyzer(
                        EmbeddedCluster.bootstrapServers(),
                        EmbeddedCluster.schemaRegistryUrl(),
                        new SimpleMeterRegistry());
        // Data sensor first: its packets are published, and processed, before the control sensor's.
        return analyzer.analyze(
                List.of(
                        new PipelineAnalyzer.Input(split.data(), "edge-data"),
                        new PipelineAnalyzer.Input(split.control(), "edge-control")),
                PipelineAnalyzer.Options.defaults().toBuilder()
                        .settleBetweenSensors(true)
                        .build()
                        .toBuilder()
                        .batchPackets(batchPackets)
                        .build());
    }

    private static JsonNode controlConnection(ObjectNode report) {
        for (JsonNode c : report.path("connections")) {
            if (c.path("orig").path("dport").asInt() == 21) {
                return c;
            }
        }
        throw new AssertionError("no control connection in the report");
    }

    /**
     * The first match input about expected destination port {@code port}: a new connection, or an
     * expectation.
     */
    private static int indexOf(List<MatchInput> inputs, int port, boolean connection) {
        for (int i = 0; i < inputs.size(); i++) {
            MatchInput in = inputs.get(i);
            if (connection
                    && in.getConnection() != null
                    && in.getConnection().getOrig().getDstPort() == port) {
                return i;
            }
            if (!connection
                    && in.getExpectation() != null
                    && in.getExpectation().getExpected().getDstPort() == port) {
                return i;
            }
        }
        return -1;
    }

    private record Split(Path control, Path data) {}

    /**
     * The scenario's control packets (port 21) as they were; every other packet shifted by {@code
     * skewMicros}.
     */
    private Split split(long skewMicros) throws IOException {
        Path control = tmp.resolve("control.pcap");
        Path data = tmp.resolve("data.pcap");
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket decoded = new DecodedPacket();
        CapturedFrame frame = new CapturedFrame();
        try (CaptureFileReader reader = CaptureFiles.open(KernelOracle.pcap(SCENARIO));
                PcapWriter controlOut = new PcapWriter(control, 1, 65535);
                PcapWriter dataOut = new PcapWriter(data, 1, 65535)) {
            while (reader.next(frame)) {
                assertThat(frame.linkType()).isEqualTo(1);
                assertThat(
                                decoder.decode(
                                        frame.linkType(),
                                        frame.data(),
                                        frame.capturedLength(),
                                        frame.originalLength(),
                                        decoded))
                        .isTrue();
                if (decoded.srcPort() == 21 || decoded.dstPort() == 21) {
                    controlOut.write(
                            frame.timestampMicros(), frame.data(), 0, frame.capturedLength());
                } else {
                    dataOut.write(
                            frame.timestampMicros() + skewMicros,
                            frame.data(),
                            0,
                            frame.capturedLength());
                }
            }
            assertThat(controlOut.packets()).isPositive();
            assertThat(dataOut.packets()).isPositive();
        }
        return new Split(control, data);
    }
}
