package io.ctstream.launcher.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.Alert;
import io.ctstream.avro.EnforcementOutcome;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.OperatorAudit;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.enforcement.agent.EnforcementAgent;
import io.ctstream.enforcement.agent.EnforcementAgentConfig;
import io.ctstream.enforcement.agent.PinholeListener;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.enforcement.hold.PinholeMatch;
import io.ctstream.launcher.CtstreamCommand;
import io.ctstream.registry.SchemaRegistryClient;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ctstream verdict} against the embedded broker and registry, and a dry-run agent reading
 * what it wrote.
 */
@ExtendWith(EmbeddedCluster.class)
class VerdictCommandKafkaTest {
    final String prefix = EmbeddedCluster.uniqueTopic("op") + ".";
    final String verdicts = prefix + "verdicts";
    @TempDir Path dir;
    Path keys;

    @BeforeEach
    void setUp() throws Exception {
        EmbeddedCluster.createTopic(verdicts, 1);
        keys = dir.resolve("keys");
        Files.writeString(keys, OperatorVerdictsTest.KEYS);
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
    }

    String[] run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of(
                        "-b",
                        EmbeddedCluster.bootstrapServers(),
                        "-r",
                        EmbeddedCluster.schemaRegistryUrl(),
                        "--topic-prefix",
                        prefix));
        picocli.CommandLine cl = CtstreamCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(all.toArray(String[]::new));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    Properties kafka() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", EmbeddedCluster.bootstrapServers());
        p.setProperty("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        return p;
    }

    List<Verdict> published() {
        List<Verdict> out = new ArrayList<>();
        PublishedVerdicts.read(kafka(), verdicts, 0, r -> out.add(r.value()));
        return out;
    }

    @Test
    void blockPublishesOneSignedVerdictAndARetryChangesNothing() {
        String[] args = {
            "verdict",
            "block",
            "--gateway",
            "gw1",
            "--src",
            "203.0.113.9",
            "--ttl",
            "10m",
            "--reason",
            "ssh scan",
            "--keys",
            keys.toString(),
            "--key-id",
            "op-alice",
            "--user",
            "alice"
        };
        String[] r = run(args);
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("published BLOCK op-").contains("for gw1 (key op-alice)");
        List<Verdict> vs = published();
        assertThat(vs).hasSize(1);
        Verdict v = vs.get(0);
        assertThat(v.getAction()).isEqualTo(VerdictAction.BLOCK);
        assertThat(v.getTtlSeconds()).isEqualTo(600);
        assertThat(v.getKeyId()).isEqualTo("op-alice");
        assertThat(v.getReason()).isEqualTo("operator alice: ssh scan");

        // audit: one record (key id, user, reason, time), its schema registered; one alert
        List<OperatorAudit> audit = values(OperatorAudit.class, prefix + "operator-audit");
        assertThat(audit).hasSize(1);
        OperatorAudit a = audit.get(0);
        assertThat(a.getVerdictId()).isEqualTo(v.getVerdictId());
        assertThat(a.getKeyId()).isEqualTo("op-alice");
        assertThat(a.getUser()).isEqualTo("alice");
        assertThat(a.getReason()).isEqualTo("ssh scan");
        assertThat(a.getAction()).isEqualTo("BLOCK");
        assertThat(a.getMatch()).isEqualTo("tcp 203.0.113.9 -> * port *");
        assertThat(a.getTimeMicros())
                .isEqualTo(v.getIssuedAtMicros())
                .isBetween(
                        System.currentTimeMillis() * 1000 - 120_000_000L,
                        System.currentTimeMillis() * 1000);
        assertThat(
                        SchemaRegistryClient.create(EmbeddedCluster.schemaRegistryUrl())
                                .latest(prefix + "operator-audit-value")
                                .schema())
                .isEqualTo(OperatorAudit.getClassSchema());
        List<Alert> alerts = values(Alert.class, prefix + "alerts");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).getType()).isEqualTo("operator-verdict");
        assertThat(alerts.get(0).getMessage())
                .isEqualTo(
                        "operator alice (key op-alice) BLOCK on gw1: tcp 203.0.113.9 -> * port * for 600 s: ssh scan");

        String[] again = run(args);
        assertThat(again[0]).isEqualTo("0");
        assertThat(again[1])
                .contains("already published " + v.getVerdictId())
                .contains("nothing changed");
        assertThat(published()).hasSize(1);
        assertThat(values(OperatorAudit.class, prefix + "operator-audit")).hasSize(1);
        assertThat(values(Alert.class, prefix + "alerts")).hasSize(1);
    }

    <T extends org.apache.avro.specific.SpecificRecord> List<T> values(
            Class<T> type, String topic) {
        List<T> out = new ArrayList<>();
        Map<String, Object> serdeConfig = new HashMap<>();
        kafka().forEach((key, value) -> serdeConfig.put((String) key, value));
        try (SpecificAvroSerde<T> serde = AvroSerdes.specific(type, serdeConfig, false)) {
            PublishedVerdicts.readRaw(
                    kafka(),
                    topic,
                    0,
                    rec -> out.add(serde.deserializer().deserialize(topic, rec.value())));
        }
        return out;
    }

    @Test
    void everyBadInputIsOneLineExit2AndNothingIsPublished() {
        String k = keys.toString();
        String[][] bad = {
            {
                "verdict",
                "block",
                "--gateway",
                "gw1",
                "--src",
                "203.0.113.300",
                "--ttl",
                "60",
                "--reason",
                "x",
                "--keys",
                k,
                "--key-id",
                "op-alice"
            },
            {
                "verdict",
                "allow",
                "--gateway",
                "gw1",
                "--src",
                "10.0.0.1",
                "--dst",
                "10.0.1.2",
                "--port",
                "0",
                "--ttl",
                "60",
                "--reason",
                "x",
                "--keys",
                k,
                "--key-id",
                "op-alice"
            },
            {
                "verdict",
                "block",
                "--gateway",
                "gw1",
                "--src",
                "203.0.113.9",
                "--ttl",
                "2d",
                "--reason",
                "x",
                "--keys",
                k,
                "--key-id",
                "op-alice"
            },
            {
                "verdict",
                "block",
                "--gateway",
                "gw1",
                "--src",
                "203.0.113.9",
                "--ttl",
                "45m",
                "--gate-max-ttl",
                "1800",
                "--reason",
                "x",
                "--keys",
                k,
                "--key-id",
                "op-alice"
            },
            {
                "verdict",
                "block",
                "--gateway",
                "gw-nope",
                "--src",
                "203.0.113.9",
                "--ttl",
                "60",
                "--reason",
                "x",
                "--keys",
                k,
                "--key-id",
                "op-alice"
            },
            {
                "verdict",
                "block",
                "--gateway",
                "gw1",
                "--src",
                "203.0.113.9",
                "--ttl",
                "60",
                "--reason",
                "x",
                "--keys",
                dir.resolve("missing").toString(),
                "--key-id",
                "op-alice"
            },
            {
                "verdict",
                "block",
                "--gateway",
                "gw1",
                "--src",
                "203.0.113.9",
                "--ttl",
                "60",
                "--reason",
                "x",
                "--keys",
                k,
                "--key-id",
                "policy"
            },
            {
                "verdict",
                "revoke",
                "--gateway",
                "gw2",
                "--src",
                "203.0.113.9",
                "--reason",
                "x",
                "--keys",
                k,
                "--key-id",
                "op-alice"
            },
            {
                "verdict",
                "allow",
                "--gateway",
                "gw1",
                "--src",
                "10.0.0.0/24",
                "--dst",
                "10.0.1.2",
                "--port",
                "22",
                "--ttl",
                "60",
                "--reason",
                "x",
                "--keys",
                k,
                "--key-id",
                "op-alice"
            },
        };
        String[] expected = {
            "not an IP address",
            "--port 0: out of range",
            "ttl 172800 s > 3600",
            "would refuse this verdict: overbroad-ttl: ttl 2700 s > 1800",
            "--gateway gw-nope: unknown gateway",
            "missing",
            "has no scope line",
            "key gw2/op-alice may not sign this",
            "ALLOW from /24, only single hosts"
        };
        for (int i = 0; i < bad.length; i++) {
            String[] r = run(bad[i]);
            assertThat(r[0]).as(String.join(" ", bad[i]) + " → " + r[2]).isEqualTo("2");
            assertThat(r[2].strip())
                    .as(String.join(" ", bad[i]))
                    .contains(expected[i])
                    .doesNotContain("\n")
                    .doesNotContain("at io.ctstream");
        }
        assertThat(published()).isEmpty();
        assertThat(values(OperatorAudit.class, prefix + "operator-audit")).isEmpty();
    }

    @Test
    void theAgentAppliesTheOperatorsBlockAndRefusesAVerdictBeyondTheKeysScope() throws Exception {
        String reports = prefix + "enforcement-reports";
        EmbeddedCluster.createTopic(reports, 1);
        String[] r =
                run(
                        "verdict",
                        "block",
                        "--gateway",
                        "gw1",
                        "--src",
                        "203.0.113.9",
                        "--ttl",
                        "600",
                        "--reason",
                        "scan",
                        "--keys",
                        keys.toString(),
                        "--key-id",
                        "op-alice",
                        "--user",
                        "alice");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        // the operator's key, used by hand beyond its scope (an ALLOW from a /24): only the agent
        // can stop this one
        VerdictKeyring ring = VerdictKeyring.load(keys);
        long now = System.currentTimeMillis() * 1000;
        Verdict wide =
                new VerdictSigner(ring)
                        .sign(
                                Verdict.newBuilder()
                                        .setVerdictId("by-hand-1")
                                        .setGatewayId("gw1")
                                        .setAction(VerdictAction.ALLOW)
                                        .setMatch(
                                                OperatorMatch.of(
                                                        "10.0.0.0/24", "10.0.1.2", "tcp", "22"))
                                        .setTtlSeconds(60)
                                        .setReason("by hand")
                                        .setEvidence(
                                                VerdictEvidence.newBuilder()
                                                        .setAlertIds(List.of())
                                                        .build())
                                        .setIssuedAtMicros(now)
                                        .setExpiresAtMicros(now + 60_000_000L)
                                        .build(),
                                "op-alice");
        Map<String, Object> serdeConfig = new HashMap<>();
        kafka().forEach((key, value) -> serdeConfig.put((String) key, value));
        try (SpecificAvroSerde<Verdict> serde =
                        AvroSerdes.specific(Verdict.class, serdeConfig, false);
                KafkaProducer<String, Verdict> p =
                        new KafkaProducer<>(kafka(), new StringSerializer(), serde.serializer())) {
            p.send(new ProducerRecord<>(verdicts, "gw1", wide)).get();
        }
        ExecutorService executor = Executors.newSingleThreadExecutor();
        EnforcementAgent agent =
                new EnforcementAgent(
                        EnforcementAgentConfig.builder()
                                .gatewayId("gw1")
                                .keyring(ring)
                                .kafka(kafka())
                                .verdictsTopic(verdicts)
                                .reportsTopic(reports)
                                .groupId(prefix + "agent")
                                .transactionalId(prefix + "agent")
                                .limits(GateLimits.defaults())
                                .pollTimeout(Duration.ofMillis(200))
                                .meterRegistry(new SimpleMeterRegistry())
                                .dryRun(true)
                                .pinholeListener(
                                        new PinholeListener() { // as the SYN hold reads them: a
                                            // REVOKE without dst crashed it
                                            @Override
                                            public void applied(io.ctstream.avro.VerdictMatch m) {
                                                PinholeMatch.of(m);
                                            }

                                            @Override
                                            public void removed(io.ctstream.avro.VerdictMatch m) {
                                                PinholeMatch.of(m);
                                            }
                                        })
                                .dryRunOut(
                                        new PrintStream(
                                                new ByteArrayOutputStream(),
                                                true,
                                                StandardCharsets.UTF_8))
                                .build());
        Future<?> run =
                executor.submit(
                        () -> {
                            agent.run();
                            return null;
                        });
        try {
            List<EnforcementReport> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(90))
                    .until(
                            () -> {
                                got.clear();
                                got.addAll(reports(reports));
                                return got.size() >= 2;
                            });
            assertThat(got.get(0).getOutcome()).isEqualTo(EnforcementOutcome.APPLIED);
            assertThat(got.get(1).getVerdictId()).isEqualTo("by-hand-1");
            assertThat(got.get(1).getOutcome()).isEqualTo(EnforcementOutcome.REFUSED);
            assertThat(got.get(1).getReason())
                    .isEqualTo("out-of-scope: key op-alice: ALLOW from /24, only single hosts");

            // what is in force, from the reports: the operator's block; after a REVOKE, nothing
            String[] list =
                    run(
                            "verdict",
                            "list",
                            "--gateway",
                            "gw1",
                            "--keys",
                            keys.toString(),
                            "--include-dry-run");
            assertThat(list[0]).as(list[2]).isEqualTo("0");
            assertThat(list[1])
                    .contains("operator BLOCK  tcp 203.0.113.9 -> * port *")
                    .contains("op-alice")
                    .contains("operator alice: scan")
                    .contains("1 rule(s) in force");
            assertThat(run("verdict", "list", "--gateway", "gw1", "--keys", keys.toString())[1])
                    .as("dry-run reports do not count by default")
                    .contains("0 rule(s) in force");
            String[] revoke =
                    run(
                            "verdict",
                            "revoke",
                            "--gateway",
                            "gw1",
                            "--src",
                            "203.0.113.9",
                            "--reason",
                            "done",
                            "--keys",
                            keys.toString(),
                            "--key-id",
                            "op-alice",
                            "--user",
                            "alice");
            assertThat(revoke[0]).as(revoke[2]).isEqualTo("0");
            await().atMost(Duration.ofSeconds(60)).until(() -> reports(reports).size() >= 3);
            assertThat(
                            run(
                                    "verdict",
                                    "list",
                                    "--gateway",
                                    "gw1",
                                    "--keys",
                                    keys.toString(),
                                    "--include-dry-run")[1])
                    .contains("0 rule(s) in force");
        } finally {
            agent.close();
            run.get(60, TimeUnit.SECONDS);
            executor.shutdown();
        }
    }

    List<EnforcementReport> reports(String topic) {
        List<EnforcementReport> out = new ArrayList<>();
        Map<String, Object> serdeConfig = new HashMap<>();
        kafka().forEach((key, value) -> serdeConfig.put((String) key, value));
        try (SpecificAvroSerde<EnforcementReport> serde =
                AvroSerdes.specific(EnforcementReport.class, serdeConfig, false)) {
            PublishedVerdicts.readRaw(
                    kafka(),
                    topic,
                    0,
                    rec -> out.add(serde.deserializer().deserialize(topic, rec.value())));
        }
        return out;
    }
}
