package io.ctstream.streams.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.StreamsProperties;
import io.ctstream.streams.conntrack.PacketFlowKeys;
import io.ctstream.streams.testing.DriverConfigs;
import io.ctstream.streams.testing.LabCaptures;
import io.ctstream.streams.testing.PacketBatching;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-flow batches change nothing: every lab capture, fed to the real topology one packet per
 * record and then in per-flow batches (as the capture agent sends them: up to 32 packets or 5 ms of
 * capture time, a packet with payload closing its batch at once), gives each connection the same
 * events in the same order and the same expectation events.
 */
@ExtendWith(EmbeddedCluster.class)
class BatchingEquivalenceTest {

    static Stream<Arguments> captures() throws Exception {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(LabCaptures.LAB)) {
            for (Path p :
                    files.filter(
                                    f ->
                                            f.toString().endsWith(".pcap")
                                                    && !f.toString().endsWith(".egress.pcap"))
                            .sorted()
                            .toList()) {
                String scenario = p.getFileName().toString().replace(".pcap", "");
                out.add(Arguments.of(scenario, HelperMode.KERNEL));
                out.add(Arguments.of(scenario, HelperMode.ROBUST));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("captures")
    void batchesGiveTheSameEventsAsSinglePackets(String scenario, HelperMode mode)
            throws Exception {
        List<PacketRecord> packets = LabCaptures.read(scenario, "gw");
        Outputs single = run(singles(packets), mode);
        Outputs batched = run(PacketBatching.batches(packets), mode);
        assertThat(batched.records).isLessThanOrEqualTo(single.records);
        assertThat(batched.byConnection).isEqualTo(single.byConnection);
        assertThat(batched.expectations).isEqualTo(single.expectations);
    }

    private record Outputs(
            int records,
            Map<String, List<String>> byConnection,
            Map<String, List<String>> expectations) {}

    private static List<PacketRecord> singles(List<PacketRecord> packets) {
        return packets;
    }

    private Outputs run(List<PacketRecord> records, HelperMode mode) {
        String prefix = "batch-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        StreamsAppConfig config = DriverConfigs.forDriver(prefix, mode);
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", config.schemaRegistryUrl());
        try (TopologyTestDriver driver =
                new TopologyTestDriver(
                        ConntrackTopology.build(config, new SimpleMeterRegistry()),
                        StreamsProperties.build(config, new SimpleMeterRegistry()))) {
            TestInputTopic<FlowKey, PacketRecord> in =
                    driver.createInputTopic(
                            config.topic(Topics.PACKETS),
                            new FlowKeySerde(),
                            AvroSerdes.specific(PacketRecord.class, serdeConfig, false)
                                    .serializer());
            TestOutputTopic<FlowKey, ConnectionEvent> connEvents =
                    driver.createOutputTopic(
                            config.topic(Topics.CONN_EVENTS),
                            new FlowKeySerde(),
                            AvroSerdes.specific(ConnectionEvent.class, serdeConfig, false)
                                    .deserializer());
            TestOutputTopic<String, ExpectationEvent> expectations =
                    driver.createOutputTopic(
                            config.topic(Topics.EXPECTATIONS),
                            Serdes.String().deserializer(),
                            AvroSerdes.specific(ExpectationEvent.class, serdeConfig, false)
                                    .deserializer());
            long last = 0;
            for (PacketRecord r : records) {
                in.pipeInput(PacketFlowKeys.of(r), r, r.getTimestampMicros() / 1000);
                for (PacketRecord p : r.getFollowing()) {
                    last = Math.max(last, p.getTimestampMicros() / 1000);
                }
                last = Math.max(last, r.getTimestampMicros() / 1000);
            }
            driver.createInputTopic(
                            config.topic(ConntrackTopology.MATCH_TOPIC),
                            Serdes.String().serializer(),
                            AvroSerdes.specific(MatchInput.class, serdeConfig, false).serializer())
                    .pipeInput(
                            "tick",
                            new MatchInput(null, null, null),
                            last + config.matcher().graceMicros() / 1000 + 1000);
            Map<String, List<String>> byConnection = new TreeMap<>();
            for (ConnectionEvent e : connEvents.readValuesToList()) {
                byConnection
                        .computeIfAbsent(e.getConnection().getId(), k -> new ArrayList<>())
                        .add(e.toString());
            }
            Map<String, List<String>> byExpectation = new TreeMap<>();
            for (ExpectationEvent e : expectations.readValuesToList()) {
                byExpectation
                        .computeIfAbsent(e.getExpectationId(), k -> new ArrayList<>())
                        .add(e.toString());
            }
            return new Outputs(records.size(), byConnection, byExpectation);
        }
    }
}
