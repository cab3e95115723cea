package io.ctstream.streams.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.avro.EnforcementOutcome;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.json.JsonViews;
import io.ctstream.streams.policy.PolicyConfig;
import io.ctstream.streams.policy.PolicyFixtures;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.verdict.ReportSigner;
import io.ctstream.verdict.VerdictSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /gateways/{id}/rules} on two instances of one application, on the real broker and
 * registry (issue 21): the rules in force from the agent's signed reports, the same on both; a
 * forged report, a refused verdict and a revoked one are not in force; a bad gateway id is a 400.
 */
@ExtendWith(EmbeddedCluster.class)
class GatewayRulesQueryTest {
    static final Map<String, Object> SERDE =
            Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void everyInstanceListsTheRulesTheSignedReportsSayAreInForce(@TempDir Path tmp)
            throws Exception {
        String prefix = "rules-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        VerdictSigner signer = new VerdictSigner(PolicyFixtures.keyring());
        ReportSigner reports = new ReportSigner(PolicyFixtures.keyring());
        long now = System.currentTimeMillis() * 1000;
        Verdict pinhole =
                signer.sign(
                        verdict(
                                "e1/allow/gw",
                                VerdictAction.ALLOW,
                                "10.0.0.1",
                                "10.0.1.2",
                                2000,
                                300,
                                now));
        Verdict block =
                signer.sign(
                        verdict(
                                "a1/block/gw",
                                VerdictAction.BLOCK,
                                "203.0.113.9",
                                null,
                                0,
                                600,
                                now));
        Verdict refused =
                signer.sign(
                        verdict(
                                "e2/allow/gw",
                                VerdictAction.ALLOW,
                                "10.0.0.3",
                                "10.0.1.2",
                                2001,
                                300,
                                now));
        Verdict forgedOne =
                signer.sign(
                        verdict(
                                "e3/allow/gw",
                                VerdictAction.ALLOW,
                                "10.0.0.4",
                                "10.0.1.2",
                                2002,
                                300,
                                now));
        Verdict revoked =
                signer.sign(
                        verdict(
                                "e4/allow/gw",
                                VerdictAction.ALLOW,
                                "10.0.0.5",
                                "10.0.1.2",
                                2003,
                                300,
                                now));
        Verdict revoke =
                signer.sign(
                        verdict(
                                "e4/revoke/gw",
                                VerdictAction.REVOKE,
                                "10.0.0.5",
                                "10.0.1.2",
                                2003,
                                0,
                                now));

        try (StreamsApp a = instance(prefix, tmp.resolve("a"));
                StreamsApp b = instance(prefix, tmp.resolve("b"))) {
            a.start();
            b.start();
            EmbeddedCluster.createTopic(prefix + Topics.REPORTS, 1);
            String verdicts = prefix + Topics.VERDICTS;
            String reportsTopic = prefix + Topics.REPORTS;
            var verdictSerializer = AvroSerdes.specific(Verdict.class, SERDE, false).serializer();
            var reportSerializer =
                    AvroSerdes.specific(EnforcementReport.class, SERDE, false).serializer();
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (Verdict v : List.of(pinhole, block, refused, forgedOne, revoked, revoke)) {
                    producer.send(
                            new ProducerRecord<>(
                                    verdicts,
                                    "gw".getBytes(),
                                    verdictSerializer.serialize(verdicts, v)));
                }
                for (EnforcementReport r :
                        List.of(
                                reports.sign(
                                        report("e1/allow/gw", EnforcementOutcome.APPLIED, now)),
                                reports.sign(
                                        report("a1/block/gw", EnforcementOutcome.APPLIED, now)),
                                reports.sign(
                                        report("e2/allow/gw", EnforcementOutcome.REFUSED, now)),
                                report(
                                        "e3/allow/gw",
                                        EnforcementOutcome.APPLIED,
                                        now), // unsigned: forged
                                reports.sign(
                                        report("e4/allow/gw", EnforcementOutcome.APPLIED, now)),
                                reports.sign(
                                        report(
                                                "e4/revoke/gw",
                                                EnforcementOutcome.APPLIED,
                                                now + 1)))) {
                    producer.send(
                            new ProducerRecord<>(
                                    reportsTopic,
                                    "gw".getBytes(),
                                    reportSerializer.serialize(reportsTopic, r)));
                }
            }
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .untilAsserted(
                            () -> {
                                assertThat(verdictIds(get(a, "/gateways/gw/rules")))
                                        .containsExactlyInAnyOrder("e1/allow/gw", "a1/block/gw");
                                assertThat(verdictIds(get(b, "/gateways/gw/rules")))
                                        .containsExactlyInAnyOrder("e1/allow/gw", "a1/block/gw");
                            });
            JsonNode viaA = get(a, "/gateways/gw/rules");
            assertThat(get(b, "/gateways/gw/rules")).isEqualTo(viaA);
            JsonNode allow =
                    viaA.path("rules").findParents("verdict_id").stream()
                            .filter(r -> r.path("verdict_id").asText().equals("e1/allow/gw"))
                            .findFirst()
                            .orElseThrow();
            assertThat(allow.path("origin").asText()).isEqualTo("policy");
            assertThat(allow.path("match").asText())
                    .isEqualTo("tcp 10.0.0.1 -> 10.0.1.2 port 2000");
            assertThat(allow.path("key_id").asText()).isEqualTo("k1");
            assertThat(allow.path("until_micros").asLong() - allow.path("since_micros").asLong())
                    .isEqualTo(300_000_000L);
            assertThat(get(a, "/gateways/other/rules").path("rules")).isEmpty();
            assertThat(status(a, "/gateways/a%20b/rules")).isEqualTo(400);
        }
    }

    private static List<String> verdictIds(JsonNode list) {
        return list.path("rules").findValuesAsText("verdict_id");
    }

    private static StreamsApp instance(String prefix, Path state) {
        VerdictPolicy policy =
                new VerdictPolicy(
                        PolicyConfig.parse(
                                "gateways:\n  - id: gw\n    sensors: [gw]\n    helpers: [ftp]\n",
                                "test.yaml"),
                        PolicyFixtures.keyring(),
                        Clock.systemUTC());
        return new StreamsApp(
                StreamsAppConfig.builder()
                        .applicationId(prefix + "app")
                        .bootstrapServers(EmbeddedCluster.bootstrapServers())
                        .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                        .topicPrefix(prefix)
                        .stateDir(state)
                        .policy(policy)
                        .queryPort(0)
                        .build(),
                new SimpleMeterRegistry());
    }

    private static JsonNode get(StreamsApp app, String path) throws Exception {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + app.queryPort() + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JsonViews.MAPPER.readTree(r.body());
    }

    private static int status(StreamsApp app, String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + app.queryPort() + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static EnforcementReport report(String verdictId, EnforcementOutcome outcome, long at) {
        return EnforcementReport.newBuilder()
                .setVerdictId(verdictId)
                .setGatewayId("gw")
                .setOutcome(outcome)
                .setReason(outcome == EnforcementOutcome.REFUSED ? "expired" : null)
                .setReportedAtMicros(at)
                .setApplyLatencyMicros(1000)
                .setDryRun(false)
                .setVerdictToElementMicros(null)
                .build();
    }

    private static Verdict verdict(
            String id, VerdictAction action, String src, String dst, int port, int ttl, long now) {
        return Verdict.newBuilder()
                .setVerdictId(id)
                .setGatewayId("gw")
                .setAction(action)
                .setMatch(
                        VerdictMatch.newBuilder()
                                .setIpVersion(4)
                                .setProtocol(6)
                                .setSrc(ip(src))
                                .setSrcPrefixLength(-1)
                                .setDst(ip(dst))
                                .setDstPort(port)
                                .build())
                .setTtlSeconds(ttl)
                .setReason("test " + id)
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

    private static ByteBuffer ip(String literal) {
        if (literal == null) {
            return null;
        }
        String[] p = literal.split("\\.");
        return ByteBuffer.wrap(
                new byte[] {
                    (byte) Integer.parseInt(p[0]),
                    (byte) Integer.parseInt(p[1]),
                    (byte) Integer.parseInt(p[2]),
                    (byte) Integer.parseInt(p[3])
                });
    }
}
