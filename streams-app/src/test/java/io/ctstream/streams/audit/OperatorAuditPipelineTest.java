package io.ctstream.streams.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.Alert;
import io.ctstream.avro.OperatorAudit;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.policy.PolicyConfig;
import io.ctstream.streams.policy.PolicyFixtures;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * streams-app with a policy on the real broker and registry (issue 21): an operator verdict written
 * straight to the verdicts topic, without the audit record {@code ctstream verdict} writes with it,
 * is audited by streams-app and raises an alert; one with its audit record, and the policy's own
 * verdicts, are left alone.
 */
@ExtendWith(EmbeddedCluster.class)
class OperatorAuditPipelineTest {
    static final Map<String, Object> SERDE =
            Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());

    @Test
    void anOperatorVerdictWrittenWithoutItsAuditRecordIsAuditedAndRaisesAnAlert(@TempDir Path state)
            throws Exception {
        String prefix = "audit-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        VerdictPolicy policy =
                new VerdictPolicy(
                        PolicyConfig.parse(
                                "gateways:\n  - id: gw\n    sensors: [gw]\n    helpers: [ftp]\n",
                                "test.yaml"),
                        PolicyFixtures.keyring(),
                        Clock.systemUTC());
        byte[] bob = new byte[32];
        Arrays.fill(bob, (byte) 42);
        VerdictSigner operator =
                new VerdictSigner(VerdictKeyring.of(Map.of("gw", Map.of("op-bob", bob)), Map.of()));
        VerdictSigner own = new VerdictSigner(PolicyFixtures.keyring());
        Verdict direct = operator.sign(verdict("op-direct-1", VerdictAction.BLOCK));
        Verdict viaCli = operator.sign(verdict("op-cli-1", VerdictAction.BLOCK));
        Verdict policyVerdict = own.sign(verdict("e1/allow/gw", VerdictAction.ALLOW));
        try (StreamsApp app =
                new StreamsApp(
                        StreamsAppConfig.builder()
                                .applicationId(prefix + "app")
                                .bootstrapServers(EmbeddedCluster.bootstrapServers())
                                .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                                .topicPrefix(prefix)
                                .stateDir(state)
                                .policy(policy)
                                .operatorAuditWait(Duration.ofSeconds(2))
                                .build(),
                        new SimpleMeterRegistry())) {
            app.start();
            String verdicts = prefix + Topics.VERDICTS;
            String audits = prefix + Topics.OPERATOR_AUDIT;
            var verdictSerializer = AvroSerdes.specific(Verdict.class, SERDE, false).serializer();
            var auditSerde = AvroSerdes.specific(OperatorAudit.class, SERDE, false);
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (Verdict v : List.of(direct, viaCli, policyVerdict)) {
                    producer.send(
                            new ProducerRecord<>(
                                    verdicts,
                                    "gw".getBytes(),
                                    verdictSerializer.serialize(verdicts, v)));
                }
                // what ctstream verdict writes with its verdict
                OperatorAudit cli =
                        OperatorAudit.newBuilder()
                                .setVerdictId("op-cli-1")
                                .setGatewayId("gw")
                                .setAction("BLOCK")
                                .setMatch("tcp 203.0.113.9 -> * port *")
                                .setTtlSeconds(600)
                                .setReason("scan")
                                .setKeyId("op-bob")
                                .setUser("alice")
                                .setHost("laptop")
                                .setTimeMicros(System.currentTimeMillis() * 1000)
                                .build();
                producer.send(
                        new ProducerRecord<>(
                                audits,
                                "gw".getBytes(),
                                auditSerde.serializer().serialize(audits, cli)));
            }
            var alertDeserializer = AvroSerdes.specific(Alert.class, SERDE, false).deserializer();
            List<OperatorAudit> auditRecords = new ArrayList<>();
            List<Alert> alerts = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.subscribe(List.of(audits, prefix + Topics.ALERTS));
                await().atMost(Duration.ofSeconds(90))
                        .untilAsserted(
                                () -> {
                                    consumer.poll(Duration.ofMillis(200))
                                            .forEach(
                                                    r -> {
                                                        if (r.topic().equals(audits)) {
                                                            auditRecords.add(
                                                                    auditSerde
                                                                            .deserializer()
                                                                            .deserialize(
                                                                                    r.topic(),
                                                                                    r.value()));
                                                        } else {
                                                            alerts.add(
                                                                    alertDeserializer.deserialize(
                                                                            r.topic(), r.value()));
                                                        }
                                                    });
                                    assertThat(auditRecords)
                                            .extracting(OperatorAudit::getUser)
                                            .contains(OperatorVerdictAudit.UNKNOWN_USER);
                                    assertThat(alerts).isNotEmpty();
                                });
                // a few more seconds: nothing else may come (the CLI's verdict and the policy's
                // were not to be audited)
                long until = System.currentTimeMillis() + 5_000;
                while (System.currentTimeMillis() < until) {
                    consumer.poll(Duration.ofMillis(200))
                            .forEach(
                                    r -> {
                                        if (r.topic().equals(audits)) {
                                            auditRecords.add(
                                                    auditSerde
                                                            .deserializer()
                                                            .deserialize(r.topic(), r.value()));
                                        } else {
                                            alerts.add(
                                                    alertDeserializer.deserialize(
                                                            r.topic(), r.value()));
                                        }
                                    });
                }
            }
            List<OperatorAudit> byStreams =
                    auditRecords.stream()
                            .filter(a -> OperatorVerdictAudit.UNKNOWN_USER.equals(a.getUser()))
                            .toList();
            assertThat(byStreams)
                    .extracting(OperatorAudit::getVerdictId)
                    .containsExactly("op-direct-1");
            assertThat(byStreams.get(0).getKeyId()).isEqualTo("op-bob");
            assertThat(byStreams.get(0).getMatch()).isEqualTo("tcp 203.0.113.9 -> * port *");
            assertThat(alerts)
                    .singleElement()
                    .satisfies(
                            a -> {
                                assertThat(a.getType()).isEqualTo(OperatorVerdictAudit.ALERT_TYPE);
                                assertThat(a.getEvidence()).isEqualTo("op-direct-1");
                                assertThat(a.getMessage()).contains("without an audit record");
                            });
        }
    }

    private static Verdict verdict(String id, VerdictAction action) {
        long now = System.currentTimeMillis() * 1000;
        return Verdict.newBuilder()
                .setVerdictId(id)
                .setGatewayId("gw")
                .setAction(action)
                .setMatch(
                        VerdictMatch.newBuilder()
                                .setIpVersion(4)
                                .setProtocol(6)
                                .setSrc(ByteBuffer.wrap(new byte[] {(byte) 203, 0, 113, 9}))
                                .setSrcPrefixLength(-1)
                                .setDst(null)
                                .setDstPort(0)
                                .build())
                .setTtlSeconds(600)
                .setReason("scan")
                .setEvidence(
                        VerdictEvidence.newBuilder()
                                .setMasterConnectionId(null)
                                .setExpectationId(null)
                                .setAlertIds(List.of())
                                .build())
                .setIssuedAtMicros(now)
                .setExpiresAtMicros(now + 60_000_000L)
                .build();
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "audit-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
