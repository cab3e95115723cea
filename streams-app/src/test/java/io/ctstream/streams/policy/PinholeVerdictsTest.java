package io.ctstream.streams.policy;

import static io.ctstream.streams.policy.PolicyFixtures.ftp;
import static io.ctstream.streams.policy.PolicyFixtures.ftpCreated;
import static io.ctstream.streams.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.conntrack.ConntrackConfig;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.limits.LimitsConfig;
import io.ctstream.streams.testing.LabCaptures;
import io.ctstream.streams.tracking.CodecSerdes;
import io.ctstream.streams.tracking.ConnectionTrackingProcessor;
import io.ctstream.streams.tracking.PacketTimestampExtractor;
import io.ctstream.streams.tracking.TrackerInput;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ALLOW of a pinhole is decided in the tracker's task, where the expectation is created: no
 * matcher, no expectations topic, no verdict processor needed (issue 16: one exactly-once hop
 * instead of three).
 */
@ExtendWith(EmbeddedCluster.class)
class PinholeVerdictsTest {
    private static final String POLICY =
            """
            gateways:
              - id: gw
                sensors: [gw]
                helpers: [ftp]
              - id: gw2
                subnets: [10.77.2.0/24]
                helpers: [ftp]
            """;

    @Test
    void sameSignedVerdictsAsTheEvaluatorKeyedByGatewayStampedWithTheWallClock() {
        VerdictPolicy policy = policy(POLICY);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PinholeVerdicts pinholes = new PinholeVerdicts(new PolicyEvaluator(policy), policy, meters);

        List<Record<String, Verdict>> records = pinholes.onCreated(ftpCreated());

        List<Verdict> expected = new PolicyEvaluator(policy).onExpectation(ftpCreated()).verdicts();
        assertThat(records).extracting(Record::value).containsExactlyElementsOf(expected);
        assertThat(records).extracting(Record::key).containsExactly("gw", "gw2");
        assertThat(records)
                .extracting(Record::timestamp)
                .containsOnly(PolicyFixtures.NOW.toEpochMilli());
        assertThat(records)
                .extracting(r -> r.value().getVerdictId())
                .containsExactly("m1/r/100/allow/gw", "m1/r/100/allow/gw2");
        assertThat(
                        meters.get("ctstream.policy.verdicts")
                                .tags("action", "ALLOW", "gateway", "gw")
                                .counter()
                                .count())
                .isEqualTo(1);
        PolicyEvaluatorTest.assertAllAccepted(records.stream().map(Record::value).toList());
    }

    @Test
    void eachAllowIsAlsoPublishedAtOnceAsASignedShortLivedTentativeCopy() {
        VerdictPolicy policy = policy(POLICY);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        org.apache.kafka.clients.producer.MockProducer<String, Verdict> producer =
                new org.apache.kafka.clients.producer.MockProducer<>(
                        true,
                        null,
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        (topic, v) -> new byte[0]);
        TentativePinholes tentative =
                new TentativePinholes(
                        producer,
                        "t-verdicts-tentative",
                        new io.ctstream.verdict.VerdictSigner(policy.keyring()),
                        meters);
        PinholeVerdicts pinholes =
                new PinholeVerdicts(new PolicyEvaluator(policy), policy, meters, true, tentative);

        List<Record<String, Verdict>> allows = pinholes.onCreated(ftpCreated());
        pinholes.publishTentative(allows);

        assertThat(producer.history()).hasSize(allows.size());
        for (int i = 0; i < allows.size(); i++) {
            Verdict real = allows.get(i).value();
            var sent = producer.history().get(i);
            Verdict copy = sent.value();
            assertThat(sent.topic()).isEqualTo("t-verdicts-tentative");
            assertThat(sent.key()).isEqualTo(real.getGatewayId());
            assertThat(copy.getVerdictId())
                    .as("its own id: never a replay of the real one")
                    .isEqualTo(real.getVerdictId() + "/tentative");
            assertThat(copy.getTtlSeconds())
                    .isEqualTo(Math.min(real.getTtlSeconds(), TentativePinholes.MAX_TTL_SECONDS));
            assertThat(copy.getMatch()).isEqualTo(real.getMatch());
            assertThat(copy.getEvidence()).isEqualTo(real.getEvidence());
            assertThat(new io.ctstream.verdict.VerdictVerifier(policy.keyring()).verify(copy))
                    .isEqualTo(io.ctstream.verdict.VerdictVerifier.Result.VALID);
        }
        assertThat(meters.get("ctstream.policy.tentative").tag("result", "sent").counter().count())
                .isEqualTo(allows.size());
    }

    @Test
    void onlyACreationOpensAPinhole() {
        VerdictPolicy policy = policy(POLICY);
        PinholeVerdicts pinholes =
                new PinholeVerdicts(new PolicyEvaluator(policy), policy, new SimpleMeterRegistry());
        assertThatThrownBy(
                        () -> pinholes.onCreated(ftp(ExpectationEventType.EVICTED, 1_050_000_000L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EVICTED");
    }

    @Test
    void theTrackerAloneWritesTheAllowOfEachExpectationItCreates() throws Exception {
        VerdictPolicy policy = policy(POLICY);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Map<String, Object> serdeConfig =
                Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        FlowKeySerde flowKeys = new FlowKeySerde();
        Serde<ExpectationEvent> expectations =
                AvroSerdes.specific(ExpectationEvent.class, serdeConfig, false);
        Serde<Verdict> verdicts = AvroSerdes.specific(Verdict.class, serdeConfig, false);
        Serde<MatchInput> matchInputs = AvroSerdes.specific(MatchInput.class, serdeConfig, false);
        HelperConfig helpers = HelperConfig.defaults();
        PinholeVerdicts pinholes = new PinholeVerdicts(new PolicyEvaluator(policy), policy, meters);

        // the tracker's part of ConntrackTopology, and nothing downstream of ct-match
        Topology t = new Topology();
        t.addSource(
                org.apache.kafka.streams.AutoOffsetReset.earliest(),
                "packets",
                new PacketTimestampExtractor(),
                flowKeys,
                TrackerInput.packets(
                        AvroSerdes.specific(PacketRecord.class, serdeConfig, false).deserializer()),
                "packets");
        t.addProcessor(
                "tracker",
                () ->
                        new ConnectionTrackingProcessor(
                                new ConnectionTracker(ConntrackConfig.defaults()),
                                new ControlChannelAnalyzer(helpers),
                                LimitsConfig.defaults(),
                                meters,
                                pinholes),
                "packets");
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(ConnectionTrackingProcessor.CONNECTIONS),
                        flowKeys,
                        CodecSerdes.trackedConnection()),
                "tracker");
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(
                                ConnectionTrackingProcessor.CONNECTION_DEADLINES),
                        Serdes.Bytes(),
                        Serdes.ByteArray()),
                "tracker");
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(ConnectionTrackingProcessor.CONTROL_CHANNELS),
                        flowKeys,
                        CodecSerdes.controlChannel(helpers)),
                "tracker");
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(ConnectionTrackingProcessor.LIVE_EXPECTATIONS),
                        Serdes.String(),
                        expectations),
                "tracker");
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(ConnectionTrackingProcessor.LIMITS),
                        Serdes.String(),
                        Serdes.ByteArray()),
                "tracker");
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(ConnectionTrackingProcessor.DESTROYED),
                        flowKeys,
                        Serdes.ByteArray()),
                "tracker");
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(ConnectionTrackingProcessor.DESTROYED_PURGES),
                        Serdes.Bytes(),
                        Serdes.ByteArray()),
                "tracker");
        t.addSink(
                ConnectionTrackingProcessor.TO_CONN_EVENTS,
                "conn-events",
                flowKeys,
                AvroSerdes.specific(ConnectionEvent.class, serdeConfig, false).serializer(),
                "tracker");
        t.addSink(
                ConnectionTrackingProcessor.TO_MATCH,
                "ct-match",
                Serdes.String().serializer(),
                matchInputs.serializer(),
                "tracker");
        t.addSink(
                ConnectionTrackingProcessor.TO_EXPECTATIONS,
                "expectations",
                Serdes.String().serializer(),
                expectations.serializer(),
                "tracker");
        t.addSink(
                ConnectionTrackingProcessor.TO_ALERTS,
                "alerts",
                Serdes.String().serializer(),
                AvroSerdes.specific(Alert.class, serdeConfig, false).serializer(),
                "tracker");
        t.addSink(
                ConnectionTrackingProcessor.TO_VERDICTS,
                "verdicts",
                Serdes.String().serializer(),
                verdicts.serializer(),
                "tracker");

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "pinhole-verdicts-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(t, props)) {
            TestInputTopic<FlowKey, PacketRecord> packets =
                    driver.createInputTopic(
                            "packets",
                            flowKeys,
                            AvroSerdes.specific(PacketRecord.class, serdeConfig, false)
                                    .serializer());
            for (PacketRecord p : LabCaptures.read("ftp-passive", "gw")) {
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
            }
            List<ExpectationEvent> created =
                    driver
                            .createOutputTopic(
                                    "ct-match",
                                    Serdes.String().deserializer(),
                                    matchInputs.deserializer())
                            .readValuesToList()
                            .stream()
                            .filter(m -> m.getExpectation() != null)
                            .map(MatchInput::getExpectation)
                            .filter(e -> e.getType() == ExpectationEventType.CREATED)
                            .toList();
            List<TestRecord<String, Verdict>> allows =
                    driver.createOutputTopic(
                                    "verdicts",
                                    Serdes.String().deserializer(),
                                    verdicts.deserializer())
                            .readRecordsToList();

            assertThat(created).hasSize(2); // ftp-passive: LIST and RETR
            // gw by its sensor, gw2 by its subnet (the server 10.77.2.2): one ALLOW each per
            // expectation
            assertThat(allows)
                    .extracting(r -> r.value().getVerdictId())
                    .containsExactlyInAnyOrderElementsOf(
                            created.stream()
                                    .flatMap(
                                            e ->
                                                    List.of(
                                                            e.getExpectationId() + "/allow/gw",
                                                            e.getExpectationId() + "/allow/gw2")
                                                            .stream())
                                    .toList());
            assertThat(allows)
                    .allSatisfy(
                            r -> {
                                assertThat(r.key()).isEqualTo(r.value().getGatewayId());
                                assertThat(r.value().getAction()).isEqualTo(VerdictAction.ALLOW);
                                assertThat(r.timestamp())
                                        .isEqualTo(
                                                PolicyFixtures.NOW
                                                        .toEpochMilli()); // the policy's (fixed)
                                // wall clock
                            });
            for (ExpectationEvent e : created) {
                assertThat(allows)
                        .filteredOn(
                                r ->
                                        r.value()
                                                .getEvidence()
                                                .getExpectationId()
                                                .equals(e.getExpectationId()))
                        .allSatisfy(
                                r -> {
                                    assertThat(r.value().getMatch().getDst())
                                            .isEqualTo(e.getExpected().getDst());
                                    assertThat(r.value().getMatch().getDstPort())
                                            .isEqualTo(e.getExpected().getDstPort());
                                    assertThat(r.value().getIssuedAtMicros())
                                            .isEqualTo(e.getTimestampMicros());
                                });
            }
            PolicyEvaluatorTest.assertAllAccepted(allows.stream().map(TestRecord::value).toList());
        }
    }
}
