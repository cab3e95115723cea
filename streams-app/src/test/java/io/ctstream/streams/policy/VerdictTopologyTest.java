package io.ctstream.streams.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.StreamsProperties;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.testing.LabCaptures;
import io.ctstream.streams.tracking.ConnectionTrackingProcessor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole topology with a policy on Kafka Streams' test driver (real processors, stores, the
 * expectations and alerts topics read back, the real registry): a lab capture in, signed verdicts
 * keyed by gateway out, each accepted by the enforcement agent's gate.
 */
@ExtendWith(EmbeddedCluster.class)
class VerdictTopologyTest {

    private static final Path LAB = Path.of("..", "testdata", "lab");
    private static final String POLICY =
            """
            gateways:
              - id: gw
                sensors: [gw]
                helpers: [ftp, irc, tftp]
            alertResponses:
              ftp-bounce: {blockSeconds: 600}
            """;

    private record Outputs(
            List<KeyValue<String, Verdict>> verdicts,
            List<ExpectationEvent> expectations,
            List<Alert> alerts) {}

    private Outputs run(String scenario) throws Exception {
        String prefix = "ttd-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        StreamsAppConfig config =
                StreamsAppConfig.builder()
                        .applicationId(prefix + "app")
                        .bootstrapServers("unused:9092")
                        .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                        .topicPrefix(prefix)
                        .helpers(
                                HelperConfig.defaults().toBuilder().mode(HelperMode.KERNEL).build())
                        .policy(PolicyFixtures.policy(POLICY))
                        .build();
        Properties props = StreamsProperties.build(config, new SimpleMeterRegistry());
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", config.schemaRegistryUrl());
        try (TopologyTestDriver driver =
                new TopologyTestDriver(
                        ConntrackTopology.build(config, new SimpleMeterRegistry()), props)) {
            TestInputTopic<FlowKey, PacketRecord> packets =
                    driver.createInputTopic(
                            config.topic(Topics.PACKETS),
                            new FlowKeySerde(),
                            AvroSerdes.specific(PacketRecord.class, serdeConfig, false)
                                    .serializer());
            TestOutputTopic<String, Verdict> verdicts =
                    driver.createOutputTopic(
                            config.topic(Topics.VERDICTS),
                            Serdes.String().deserializer(),
                            AvroSerdes.specific(Verdict.class, serdeConfig, false).deserializer());
            TestOutputTopic<String, ExpectationEvent> expectations =
                    driver.createOutputTopic(
                            config.topic(Topics.EXPECTATIONS),
                            Serdes.String().deserializer(),
                            AvroSerdes.specific(ExpectationEvent.class, serdeConfig, false)
                                    .deserializer());
            TestOutputTopic<String, Alert> alerts =
                    driver.createOutputTopic(
                            config.topic(Topics.ALERTS),
                            Serdes.String().deserializer(),
                            AvroSerdes.specific(Alert.class, serdeConfig, false).deserializer());
            long last = 0;
            for (PacketRecord p : LabCaptures.read(LAB.resolve(scenario + ".pcap"), "gw")) {
                packets.pipeInput(
                        FlowKeys.of(
                                p.getIpVersion(),
                                p.getProtocol(),
                                FlowKeys.bytes(p.getSrc()),
                                p.getSrcPort(),
                                FlowKeys.bytes(p.getDst()),
                                p.getDstPort()),
                        p,
                        p.getTimestampMicros() / 1000);
                last = Math.max(last, p.getTimestampMicros() / 1000);
            }
            // End of input: a tick moves the matcher's stream time past the grace (see
            // StreamTimeTicks).
            driver.createInputTopic(
                            config.topic(ConntrackTopology.MATCH_TOPIC),
                            Serdes.String().serializer(),
                            AvroSerdes.specific(
                                            io.ctstream.avro.internal.MatchInput.class,
                                            serdeConfig,
                                            false)
                                    .serializer())
                    .pipeInput(
                            "tick",
                            new io.ctstream.avro.internal.MatchInput(null, null, null),
                            last + config.matcher().graceMicros() / 1000 + 1000);
            return new Outputs(
                    verdicts.readKeyValuesToList(),
                    expectations.readValuesToList(),
                    alerts.readValuesToList());
        }
    }

    private static List<Verdict> values(Outputs out) {
        return out.verdicts().stream().map(kv -> kv.value).toList();
    }

    @Test
    void passiveFtpOpensOnePinholePerDataConnection() throws Exception {
        Outputs out = run("ftp-passive");

        List<ExpectationEvent> created =
                out.expectations().stream()
                        .filter(e -> e.getType() == ExpectationEventType.CREATED)
                        .toList();
        assertThat(created).hasSize(2);
        assertThat(out.verdicts())
                .allSatisfy(kv -> assertThat(kv.key).isEqualTo(kv.value.getGatewayId()));
        List<Verdict> allows =
                values(out).stream().filter(v -> v.getAction() == VerdictAction.ALLOW).toList();
        assertThat(allows).hasSize(2).allSatisfy(v -> assertThat(v.getGatewayId()).isEqualTo("gw"));
        // each ALLOW is exactly one CREATED expectation's tuple
        for (ExpectationEvent e : created) {
            Verdict v =
                    allows.stream()
                            .filter(
                                    a ->
                                            a.getEvidence()
                                                    .getExpectationId()
                                                    .equals(e.getExpectationId()))
                            .findFirst()
                            .orElseThrow();
            assertThat(v.getVerdictId()).isEqualTo(e.getExpectationId() + "/allow/gw");
            assertThat(v.getMatch().getDst()).isEqualTo(e.getExpected().getDst());
            assertThat(v.getMatch().getDstPort())
                    .isEqualTo(e.getExpected().getDstPort())
                    .isNotZero();
            assertThat(v.getMatch().getSrc()).isEqualTo(e.getExpected().getSrc()).isNotNull();
            assertThat(v.getEvidence().getMasterConnectionId())
                    .isEqualTo(e.getMaster().getConnectionId());
        }
        // both were fulfilled: each pinhole is revoked once its connection is established (the
        // kernel's expectation
        // is used once; the gateway's conntrack keeps the connection), with the ALLOW's own match
        List<ExpectationEvent> fulfilled =
                out.expectations().stream()
                        .filter(e -> e.getType() == ExpectationEventType.FULFILLED)
                        .toList();
        assertThat(fulfilled).hasSize(2);
        List<Verdict> revokes =
                values(out).stream().filter(v -> v.getAction() == VerdictAction.REVOKE).toList();
        assertThat(revokes)
                .extracting(v -> v.getEvidence().getExpectationId())
                .containsExactlyInAnyOrderElementsOf(
                        fulfilled.stream().map(ExpectationEvent::getExpectationId).toList());
        for (Verdict r : revokes) {
            Verdict allowed =
                    allows.stream()
                            .filter(
                                    a ->
                                            a.getEvidence()
                                                    .getExpectationId()
                                                    .equals(r.getEvidence().getExpectationId()))
                            .findFirst()
                            .orElseThrow();
            assertThat(r.getMatch()).isEqualTo(allowed.getMatch());
            assertThat(r.getReason()).isEqualTo("ftp expectation fulfilled");
        }
        // the tracker writes the ALLOW, the expectation-verdicts processor no longer does: one
        // record per id
        assertThat(values(out)).extracting(Verdict::getVerdictId).doesNotHaveDuplicates();
        PolicyEvaluatorTest.assertAllAccepted(values(out));
    }

    /**
     * UDP expectations end to end (the kernel lab's tftp: an RRQ, then a WRQ): each request's
     * expectation is matched by the server's reply from a new port, and its pinhole is a UDP one
     * (protocol 17) to the client's port, from the server's address, any source port.
     */
    @Test
    void tftpOpensAUdpPinholePerTransfer() throws Exception {
        Outputs out = run("tftp");

        List<ExpectationEvent> created =
                out.expectations().stream()
                        .filter(e -> e.getType() == ExpectationEventType.CREATED)
                        .toList();
        assertThat(created)
                .hasSize(2)
                .allSatisfy(
                        e -> {
                            assertThat(e.getHelper()).isEqualTo("tftp");
                            assertThat(e.getExpected().getProtocol()).isEqualTo(17);
                            assertThat(e.getExpected().getSrc())
                                    .isEqualTo(PolicyFixtures.ip("10.63.2.2"));
                            assertThat(e.getExpected().getSrcPort()).isNull();
                            assertThat(e.getExpected().getDst())
                                    .isEqualTo(PolicyFixtures.ip("10.63.1.2"));
                        });
        assertThat(
                        out.expectations().stream()
                                .filter(e -> e.getType() == ExpectationEventType.FULFILLED)
                                .toList())
                .as("each matched by the server's reply from a new port")
                .hasSize(2)
                .allSatisfy(
                        e -> assertThat(e.getFulfilledBy().getOrig().getProtocol()).isEqualTo(17));
        List<Verdict> allows =
                values(out).stream().filter(v -> v.getAction() == VerdictAction.ALLOW).toList();
        assertThat(allows)
                .hasSize(2)
                .allSatisfy(
                        v -> {
                            assertThat(v.getMatch().getProtocol()).isEqualTo(17);
                            assertThat(v.getMatch().getSrc())
                                    .isEqualTo(PolicyFixtures.ip("10.63.2.2"));
                            assertThat(v.getMatch().getDst())
                                    .isEqualTo(PolicyFixtures.ip("10.63.1.2"));
                        });
        assertThat(allows)
                .extracting(v -> v.getMatch().getDstPort())
                .containsExactlyInAnyOrderElementsOf(
                        created.stream().map(e -> e.getExpected().getDstPort()).toList());
        assertThat(values(out).stream().filter(v -> v.getAction() == VerdictAction.REVOKE).toList())
                .as("revoked once fulfilled")
                .hasSize(2);
        PolicyEvaluatorTest.assertAllAccepted(values(out));
    }

    @Test
    void secondPasvRevokesTheEvictedPinhole() throws Exception {
        Outputs out = run("ftp-pasv-twice");

        List<ExpectationEvent> evicted =
                out.expectations().stream()
                        .filter(e -> e.getType() == ExpectationEventType.EVICTED)
                        .toList();
        assertThat(evicted).isNotEmpty();
        List<ExpectationEvent> ended =
                out.expectations().stream()
                        .filter(
                                e ->
                                        e.getType() == ExpectationEventType.EVICTED
                                                || e.getType() == ExpectationEventType.FULFILLED)
                        .toList();
        List<Verdict> revokes =
                values(out).stream().filter(v -> v.getAction() == VerdictAction.REVOKE).toList();
        // the evicted pinhole, and the fulfilled one once its connection is established
        assertThat(revokes)
                .extracting(v -> v.getEvidence().getExpectationId())
                .containsExactlyInAnyOrderElementsOf(
                        ended.stream().map(ExpectationEvent::getExpectationId).toList());
        for (Verdict r : revokes) {
            Verdict allowed =
                    values(out).stream()
                            .filter(
                                    v ->
                                            v.getAction() == VerdictAction.ALLOW
                                                    && v.getEvidence()
                                                            .getExpectationId()
                                                            .equals(
                                                                    r.getEvidence()
                                                                            .getExpectationId()))
                            .findFirst()
                            .orElseThrow();
            assertThat(r.getMatch()).isEqualTo(allowed.getMatch());
            assertThat(r.getGatewayId()).isEqualTo("gw");
        }
        assertThat(values(out)).extracting(Verdict::getVerdictId).doesNotHaveDuplicates();
        PolicyEvaluatorTest.assertAllAccepted(values(out));
    }

    @Test
    void ftpBounceBlocksTheClient() throws Exception {
        Outputs out = run("ftp-bounce");

        List<Alert> bounces =
                out.alerts().stream().filter(a -> a.getType().equals("ftp-bounce")).toList();
        assertThat(bounces).isNotEmpty();
        List<Verdict> blocks =
                values(out).stream().filter(v -> v.getAction() == VerdictAction.BLOCK).toList();
        assertThat(blocks)
                .hasSameSizeAs(bounces)
                .allSatisfy(
                        b -> {
                            assertThat(b.getGatewayId()).isEqualTo("gw");
                            assertThat(b.getMatch().getSrc())
                                    .isEqualTo(PolicyFixtures.ip("10.77.1.2"));
                            assertThat(b.getMatch().getDst()).isNull();
                            assertThat(b.getTtlSeconds()).isEqualTo(600);
                            assertThat(b.getEvidence().getAlertIds()).hasSize(1);
                        });
        assertThat(blocks)
                .extracting(v -> v.getEvidence().getAlertIds().get(0))
                .containsExactlyInAnyOrderElementsOf(
                        bounces.stream().map(Alert::getAlertId).toList());
        // the bounced PORT/EPRT never became an expectation: no pinhole
        assertThat(values(out)).noneMatch(v -> v.getAction() == VerdictAction.ALLOW);
        PolicyEvaluatorTest.assertAllAccepted(values(out));
    }

    @Test
    void withAPolicyTheTrackerWritesTheAllowsAndTheVerdictProcessorsTheRest() {
        StreamsAppConfig config =
                StreamsAppConfig.builder()
                        .bootstrapServers("unused:9092")
                        .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                        .policy(PolicyFixtures.policy(POLICY))
                        .build();
        String described =
                ConntrackTopology.build(config, new SimpleMeterRegistry()).describe().toString();
        // the ALLOW leaves in the transaction of the task that creates the expectation (one hop,
        // not three)
        assertThat(described)
                .contains(
                        "Sink: "
                                + ConnectionTrackingProcessor.TO_VERDICTS
                                + " (topic: "
                                + config.topic(Topics.VERDICTS)
                                + ")");
        assertThat(described).contains("expectation-verdicts").contains("alert-verdicts");
    }

    @Test
    void withoutAPolicyThereIsNoVerdictProcessor() {
        StreamsAppConfig config =
                StreamsAppConfig.builder()
                        .bootstrapServers("unused:9092")
                        .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                        .build();
        assertThat(ConntrackTopology.build(config, new SimpleMeterRegistry()).describe().toString())
                .doesNotContain("expectation-verdicts")
                .doesNotContain("alert-verdicts")
                .doesNotContain(ConnectionTrackingProcessor.TO_VERDICTS);
    }
}
