package io.ctstream.enforcement.agent;

import static io.ctstream.enforcement.TestVerdicts.GW;
import static io.ctstream.enforcement.TestVerdicts.match;
import static io.ctstream.enforcement.TestVerdicts.nowMicros;
import static io.ctstream.enforcement.TestVerdicts.signed;
import static io.ctstream.enforcement.TestVerdicts.unsigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.EnforcementOutcome;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.enforcement.NetworkNamespace;
import io.ctstream.enforcement.TestVerdicts;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.enforcement.nft.NftElement;
import io.ctstream.enforcement.nft.NftProcess;
import io.ctstream.enforcement.nft.NftSet;
import io.ctstream.enforcement.nft.NftState;
import io.ctstream.enforcement.nft.NftStateParser;
import io.ctstream.enforcement.nft.VerdictElements;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent against the real embedded broker and registry, applying verdicts to the nft table of a
 * private network namespace.
 */
@ExtendWith(EmbeddedCluster.class)
class EnforcementAgentKafkaTest {
    final String verdictsTopic = EmbeddedCluster.uniqueTopic("verdicts");
    final String reportsTopic = EmbeddedCluster.uniqueTopic("enforcement-reports");
    final String group = EmbeddedCluster.uniqueTopic("enforcement-group");
    final ExecutorService executor = Executors.newCachedThreadPool();
    final List<EnforcementAgent> agents = new ArrayList<>();
    final List<Future<?>> runs = new ArrayList<>();
    NetworkNamespace ns;

    @AfterEach
    void tearDown() throws Exception {
        agents.forEach(EnforcementAgent::close);
        for (Future<?> run : runs) {
            run.get(60, java.util.concurrent.TimeUnit.SECONDS); // let each agent close its clients
        }
        executor.shutdown();
        if (ns != null) {
            ns.close();
        }
    }

    Properties kafka() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", EmbeddedCluster.bootstrapServers());
        p.setProperty("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        return p;
    }

    Map<String, Object> serdeConfig() {
        Map<String, Object> m = new HashMap<>();
        kafka().forEach((k, v) -> m.put((String) k, v));
        return m;
    }

    EnforcementAgentConfig.Builder config() {
        return EnforcementAgentConfig.builder()
                .gatewayId(GW)
                .keyring(TestVerdicts.KEYRING)
                .kafka(kafka())
                .verdictsTopic(verdictsTopic)
                .reportsTopic(reportsTopic)
                .groupId(group)
                .transactionalId(group)
                .limits(
                        new GateLimits(
                                3600,
                                24,
                                64,
                                true,
                                GateLimits.PORT_PROTOCOLS,
                                Duration.ofSeconds(1),
                                10_000))
                .pollTimeout(Duration.ofMillis(200))
                .meterRegistry(new SimpleMeterRegistry());
    }

    /** Starts an agent on its own thread and waits until it has reconciled. */
    EnforcementAgent start(EnforcementAgentConfig cfg) throws Exception {
        EnforcementAgent agent = new EnforcementAgent(cfg);
        agents.add(agent);
        runs.add(
                executor.submit(
                        () -> {
                            agent.run();
                            return null;
                        }));
        assertThat(agent.awaitReady(Duration.ofSeconds(90))).as("agent ready").isTrue();
        return agent;
    }

    void publish(List<ProducerRecord<String, Verdict>> records) throws Exception {
        try (SpecificAvroSerde<Verdict> serde =
                        AvroSerdes.specific(Verdict.class, serdeConfig(), false);
                KafkaProducer<String, Verdict> producer =
                        new KafkaProducer<>(kafka(), new StringSerializer(), serde.serializer())) {
            for (ProducerRecord<String, Verdict> r : records) {
                producer.send(r).get();
            }
        }
    }

    ProducerRecord<String, Verdict> record(Verdict v) {
        return new ProducerRecord<>(verdictsTopic, v.getGatewayId(), v);
    }

    List<EnforcementReport> reports() {
        Properties p = kafka();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<EnforcementReport> out = new ArrayList<>();
        try (SpecificAvroSerde<EnforcementReport> serde =
                        AvroSerdes.specific(EnforcementReport.class, serdeConfig(), false);
                KafkaConsumer<String, EnforcementReport> c =
                        new KafkaConsumer<>(p, new StringDeserializer(), serde.deserializer())) {
            TopicPartition tp = new TopicPartition(reportsTopic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, EnforcementReport> r : c.poll(Duration.ofMillis(200))) {
                    assertThat(r.key()).isEqualTo(GW);
                    out.add(r.value());
                }
            }
        }
        return out;
    }

    static Map<String, EnforcementReport> lastById(List<EnforcementReport> reports) {
        return reports.stream()
                .collect(
                        Collectors.toMap(
                                EnforcementReport::getVerdictId, Function.identity(), (a, b) -> b));
    }

    NftState table() throws Exception {
        return NftStateParser.parse(new NftProcess(ns.nftCommand()).listTableJson("ctstream"));
    }

    static NftElement element(VerdictAction action, Verdict v) {
        return VerdictElements.of(action, v.getMatch()).get(0);
    }

    @Test
    void theAgentRefusesATableItDidNotCreateAndNeverFlushesIt() throws Exception {
        ns = NetworkNamespace.open();
        ns.nft("add", "table", "inet", "ctstream");
        ns.nft(
                "add",
                "chain",
                "inet",
                "ctstream",
                "forward",
                "{ type filter hook forward priority 0; policy drop; }");
        ns.nft("add", "rule", "inet", "ctstream", "forward", "tcp", "dport", "22", "accept");
        String before = ns.nft("list", "table", "inet", "ctstream");
        EnforcementAgent agent = new EnforcementAgent(config().nftCommand(ns.nftCommand()).build());
        agents.add(agent);
        org.assertj.core.api.Assertions.assertThatThrownBy(agent::run)
                .isInstanceOf(io.ctstream.enforcement.nft.ForeignTableException.class)
                .hasMessageContaining("refusing to manage it");
        assertThat(ns.nft("list", "table", "inet", "ctstream")).isEqualTo(before);
    }

    /**
     * streams-app's tentative copies of ALLOWs (topic verdicts-tentative, published before the
     * transaction that writes the real ALLOW commits): applied only where no element is, for at
     * most 10 s; the committed ALLOW then sets the real lifetime, and a tentative copy that arrives
     * after it never shortens it. Only ALLOWs are tentative.
     */
    @Test
    void tentativeAllowsOpenAShortPinholeAndNeverShortenACommittedOne() throws Exception {
        ns = NetworkNamespace.open();
        String tentativeTopic = EmbeddedCluster.uniqueTopic("verdicts-tentative");
        EmbeddedCluster.createTopic(verdictsTopic, 1);
        EmbeddedCluster.createTopic(reportsTopic, 1);
        start(config().nftCommand(ns.nftCommand()).tentativeTopic(tentativeTopic).build());
        long now = nowMicros();
        Verdict first =
                valid(VerdictAction.ALLOW, match("10.61.1.2", -1, "10.61.2.2", 6, 40001), 300, now);
        Verdict second =
                valid(VerdictAction.ALLOW, match("10.61.1.2", -1, "10.61.2.2", 6, 40002), 300, now);
        java.util.function.Function<Verdict, Verdict> tentative =
                v ->
                        TestVerdicts.SIGNER.sign(
                                Verdict.newBuilder(v)
                                        .setVerdictId(v.getVerdictId() + "/tentative")
                                        .setTtlSeconds(30)
                                        .setKeyId(null)
                                        .setSignature(null)
                                        .build());
        Verdict block = valid(VerdictAction.BLOCK, match("10.61.9.9", -1, null, 0, 0), 300, now);

        // first: tentative, then committed; second: committed, then tentative; and a tentative
        // BLOCK
        publish(List.of(new ProducerRecord<>(tentativeTopic, GW, tentative.apply(first))));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> table().contains(element(VerdictAction.ALLOW, first)));
        assertThat(table().expiresSeconds().get(element(VerdictAction.ALLOW, first)))
                .as("at most 10 s, whatever it says")
                .isLessThanOrEqualTo(10);
        publish(List.of(record(first), record(second)));
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                table().contains(element(VerdictAction.ALLOW, second))
                                        && table().expiresSeconds()
                                                        .get(element(VerdictAction.ALLOW, first))
                                                > 200);
        publish(
                List.of(
                        new ProducerRecord<>(tentativeTopic, GW, tentative.apply(second)),
                        new ProducerRecord<>(tentativeTopic, GW, tentative.apply(block))));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> lastById(reports()).containsKey(block.getVerdictId() + "/tentative"));
        Map<String, EnforcementReport> byId = lastById(reports());
        assertThat(byId.get(second.getVerdictId() + "/tentative").getOutcome())
                .isEqualTo(EnforcementOutcome.APPLIED);
        assertThat(table().expiresSeconds().get(element(VerdictAction.ALLOW, second)))
                .as("not shortened")
                .isGreaterThan(200);
        assertThat(byId.get(block.getVerdictId() + "/tentative").getOutcome())
                .isEqualTo(EnforcementOutcome.REFUSED);
        assertThat(byId.get(block.getVerdictId() + "/tentative").getReason())
                .isEqualTo("tentative-not-allow");
        assertThat(table().contains(element(VerdictAction.BLOCK, block))).isFalse();
    }

    @Test
    void appliesSignedVerdictsRefusesTheRestAndReconcilesAfterARestart() throws Exception {
        ns = NetworkNamespace.open();
        EmbeddedCluster.createTopic(verdictsTopic, 3);
        EmbeddedCluster.createTopic(reportsTopic, 1);
        long now = nowMicros();

        Verdict allow =
                signed(
                        VerdictAction.ALLOW,
                        match("192.0.2.10", -1, "198.51.100.7", 6, 40123),
                        600,
                        now);
        Verdict dcc =
                signed(VerdictAction.ALLOW, match(null, -1, "2001:db8::7", 6, 5000), 600, now);
        Verdict block =
                signed(VerdictAction.BLOCK, match("203.0.113.66", -1, null, 6, 0), 600, now);
        Verdict revoked =
                signed(
                        VerdictAction.ALLOW,
                        match("192.0.2.11", -1, "198.51.100.7", 6, 40124),
                        600,
                        now);
        Verdict revoke =
                signed(
                        VerdictAction.REVOKE,
                        match("192.0.2.11", -1, "198.51.100.7", 6, 40124),
                        0,
                        now);
        Verdict shortLived =
                signed(
                        VerdictAction.ALLOW,
                        match("192.0.2.12", -1, "198.51.100.7", 6, 40125),
                        3,
                        now);

        Verdict unsignedV =
                unsigned(
                        VerdictAction.ALLOW,
                        match("192.0.2.66", -1, "198.51.100.7", 6, 22),
                        600,
                        now,
                        60_000_000L);
        VerdictKeyring attacker =
                VerdictKeyring.parse(
                        "key." + GW + ".k1 = " + Base64.getEncoder().encodeToString(new byte[32]),
                        "x");
        // a forgery that borrows the id of a genuine verdict and comes first: refused, and it must
        // not shadow the genuine one
        Verdict forgedUnsigned =
                unsigned(
                        VerdictAction.ALLOW,
                        match("192.0.2.66", -1, "198.51.100.7", 6, 23),
                        600,
                        now,
                        60_000_000L);
        forgedUnsigned.setVerdictId(allow.getVerdictId());
        Verdict forged = new VerdictSigner(attacker).sign(forgedUnsigned);
        Verdict expired =
                TestVerdicts.SIGNER.sign(
                        unsigned(
                                VerdictAction.ALLOW,
                                match("192.0.2.67", -1, "198.51.100.7", 6, 24),
                                600,
                                now - 120_000_000L,
                                60_000_000L));
        Verdict overbroad =
                signed(
                        VerdictAction.ALLOW,
                        match("192.0.2.68", -1, "198.51.100.7", 6, 0),
                        600,
                        now);
        Verdict tooWide =
                signed(VerdictAction.ALLOW, match("10.0.0.0", 8, "198.51.100.7", 6, 25), 600, now);
        Verdict otherGw =
                unsigned(
                        VerdictAction.ALLOW,
                        match("192.0.2.69", -1, "198.51.100.7", 6, 26),
                        600,
                        now,
                        60_000_000L);
        otherGw.setGatewayId("gw-other");
        Verdict wrongGateway = TestVerdicts.SIGNER.sign(otherGw);

        List<ProducerRecord<String, Verdict>> first =
                new ArrayList<>(
                        List.of(
                                record(forged),
                                record(allow),
                                record(dcc),
                                record(block),
                                record(revoked),
                                record(revoke),
                                record(shortLived),
                                record(unsignedV),
                                record(expired),
                                record(overbroad),
                                record(tooWide),
                                new ProducerRecord<>(
                                        verdictsTopic,
                                        GW,
                                        wrongGateway), // keyed for us, signed for another gateway
                                record(wrongGateway), // another gateway's record: not ours, no
                                // report
                                record(allow))); // a replay
        publish(first);

        EnforcementAgent agent = start(config().nftCommand(ns.nftCommand()).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> reports().size() >= 13);
        List<EnforcementReport> reports = reports();
        assertThat(reports).hasSize(13);
        assertThat(reports).allSatisfy(r -> assertThat(r.getDryRun()).isFalse());
        Map<String, List<String>> outcomes =
                reports.stream()
                        .collect(
                                Collectors.groupingBy(
                                        r ->
                                                r.getOutcome()
                                                        + (r.getReason() == null
                                                                ? ""
                                                                : " "
                                                                        + r.getReason()
                                                                                .split(":")[0]),
                                        Collectors.mapping(
                                                EnforcementReport::getVerdictId,
                                                Collectors.toList())));
        assertThat(outcomes)
                .containsOnlyKeys(
                        "APPLIED",
                        "REFUSED unsigned",
                        "REFUSED bad-signature",
                        "REFUSED expired",
                        "REFUSED overbroad-port",
                        "REFUSED overbroad-source-prefix",
                        "REFUSED wrong-gateway",
                        "REFUSED replayed");
        assertThat(outcomes.get("APPLIED"))
                .containsExactlyInAnyOrder(
                        allow.getVerdictId(),
                        dcc.getVerdictId(),
                        block.getVerdictId(),
                        revoked.getVerdictId(),
                        revoke.getVerdictId(),
                        shortLived.getVerdictId());
        assertThat(outcomes.get("REFUSED replayed")).containsExactly(allow.getVerdictId());
        assertThat(outcomes.get("REFUSED bad-signature")).containsExactly(forged.getVerdictId());
        assertThat(reports.stream().filter(r -> r.getOutcome() == EnforcementOutcome.APPLIED))
                .allSatisfy(r -> assertThat(r.getApplyLatencyMicros()).isPositive());
        assertThat(agent.metrics().count(EnforcementOutcome.REFUSED, "replayed")).isEqualTo(1.0);
        assertThat(agent.metrics().count(EnforcementOutcome.REFUSED, "unsigned")).isEqualTo(1.0);
        assertThat(agent.metrics().count(EnforcementOutcome.APPLIED, null)).isEqualTo(6.0);
        // the agent's part of the time to pinhole (record timestamp = when the verdict was
        // published here → element
        // in nft): in the report of every applied ALLOW and BLOCK, and in the histogram; never for
        // REVOKE or refusals
        List<String> opened =
                List.of(
                        allow.getVerdictId(),
                        dcc.getVerdictId(),
                        block.getVerdictId(),
                        revoked.getVerdictId(),
                        shortLived.getVerdictId());
        assertThat(reports)
                .filteredOn(
                        r ->
                                r.getOutcome() == EnforcementOutcome.APPLIED
                                        && opened.contains(r.getVerdictId()))
                .hasSize(5)
                .allSatisfy(
                        r ->
                                assertThat(r.getVerdictToElementMicros())
                                        .isNotNull()
                                        .isBetween(0L, 60_000_000L));
        assertThat(reports)
                .filteredOn(
                        r ->
                                r.getOutcome() != EnforcementOutcome.APPLIED
                                        || r.getVerdictId().equals(revoke.getVerdictId()))
                .hasSize(8)
                .allSatisfy(r -> assertThat(r.getVerdictToElementMicros()).isNull());
        assertThat(agent.metrics().verdictToElementTimer().count()).isEqualTo(5);

        NftElement allowE = element(VerdictAction.ALLOW, allow);
        NftElement dccE = element(VerdictAction.ALLOW, dcc);
        NftElement blockE = element(VerdictAction.BLOCK, block);
        NftElement shortE = element(VerdictAction.ALLOW, shortLived);
        assertThat(dccE.set()).isEqualTo(NftSet.ALLOW6_ANYSRC);
        NftState state = table();
        // (the 3 s pinhole may already have run out: its APPLIED report is what counts here)
        assertThat(state.expiresSeconds().keySet())
                .contains(allowE, dccE, blockE)
                .doesNotContain(element(VerdictAction.ALLOW, revoked));

        // kill the agent; while it is down the table drifts and new verdicts arrive
        agent.close();
        runs.get(0).get();
        ns.nft(
                "delete",
                "element",
                "inet",
                "ctstream",
                "allow4",
                "{ 192.0.2.10 . 198.51.100.7 . 6 . 40123 }");
        ns.nft(
                "add",
                "element",
                "inet",
                "ctstream",
                "allow4",
                "{ 192.0.2.99 . 198.51.100.7 . 6 . 1 timeout 1h }");
        Verdict later =
                signed(
                        VerdictAction.ALLOW,
                        match("192.0.2.13", -1, "198.51.100.7", 17, 40126),
                        600,
                        nowMicros());
        Verdict unblock =
                signed(VerdictAction.REVOKE, match("203.0.113.66", -1, null, 6, 0), 0, nowMicros());
        publish(List.of(record(later), record(unblock)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !table().contains(shortE)); // the 3 s pinhole ran out

        EnforcementAgent restarted = start(config().nftCommand(ns.nftCommand()).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> reports().size() >= 15);
        NftElement laterE = element(VerdictAction.ALLOW, later);
        NftState after = table();
        // exactly the verdicts in force: the lost element is back, the stray one gone, nothing
        // twice
        assertThat(after.expiresSeconds()).containsOnlyKeys(allowE, dccE, laterE);
        assertThat(after.expiresSeconds().get(allowE)).isBetween(500L, 600L);
        // one report per verdict record: the first run's reports are not repeated, the two new
        // verdicts are reported once
        List<EnforcementReport> afterRestart = reports();
        assertThat(afterRestart).hasSize(15);
        assertThat(afterRestart.subList(0, 13)).isEqualTo(reports);
        Map<String, EnforcementReport> last = lastById(afterRestart.subList(13, 15));
        assertThat(last).containsOnlyKeys(later.getVerdictId(), unblock.getVerdictId());
        assertThat(last.values())
                .allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(EnforcementOutcome.APPLIED));

        // a replay after the restart is still refused: the memory was rebuilt from the reports
        publish(List.of(record(dcc)));
        await().atMost(Duration.ofSeconds(30)).until(() -> reports().size() >= 16);
        assertThat(reports().get(15).getVerdictId()).isEqualTo(dcc.getVerdictId());
        assertThat(reports().get(15).getReason()).isEqualTo("replayed");
        assertThat(restarted.metrics().count(EnforcementOutcome.REFUSED, "replayed"))
                .isEqualTo(1.0);
        assertThat(table().expiresSeconds()).containsOnlyKeys(allowE, dccE, laterE);
    }

    void publishReports(List<EnforcementReport> forged) throws Exception {
        try (SpecificAvroSerde<EnforcementReport> serde =
                        AvroSerdes.specific(EnforcementReport.class, serdeConfig(), false);
                KafkaProducer<String, EnforcementReport> producer =
                        new KafkaProducer<>(kafka(), new StringSerializer(), serde.serializer())) {
            for (EnforcementReport r : forged) {
                producer.send(new ProducerRecord<>(reportsTopic, GW, r)).get();
            }
        }
    }

    static EnforcementReport forgedApplied(String verdictId, long reportedAtMicros) {
        return EnforcementReport.newBuilder()
                .setVerdictId(verdictId)
                .setGatewayId(GW)
                .setOutcome(EnforcementOutcome.APPLIED)
                .setReportedAtMicros(reportedAtMicros)
                .setApplyLatencyMicros(1)
                .setDryRun(false)
                .build();
    }

    @Test
    void forgedReportsCanNeitherExtendAPinholeNorHaveARealBlockRefusedAsAReplay() throws Exception {
        ns = NetworkNamespace.open();
        EmbeddedCluster.createTopic(verdictsTopic, 1);
        EmbeddedCluster.createTopic(reportsTopic, 1);
        long now = nowMicros();
        // a genuine ALLOW that had run out when it came: refused as expired, never in the table
        Verdict old =
                TestVerdicts.SIGNER.sign(
                        unsigned(
                                VerdictAction.ALLOW,
                                match("192.0.2.40", -1, "198.51.100.7", 6, 40200),
                                600,
                                now - 120_000_000L,
                                60_000_000L));
        publish(List.of(record(old)));
        EnforcementAgent first = start(config().nftCommand(ns.nftCommand()).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> reports().size() >= 1);
        assertThat(reports().get(0).getReason()).startsWith("expired");
        assertThat(reports().get(0).getSignature()).as("the agent signs its reports").isNotNull();
        first.close();
        runs.get(0).get(60, java.util.concurrent.TimeUnit.SECONDS);

        // while the agent is down: a genuine BLOCK arrives, and a forger writes APPLIED reports,
        // one dated a day
        // ahead for the expired ALLOW (it used to come back for a day), one for the BLOCK (it used
        // to be taken as
        // handled and then refused as a replay), one signed with a key the gateway does not have
        Verdict block =
                signed(
                        VerdictAction.BLOCK,
                        match("203.0.113.40", -1, null, 6, 0),
                        600,
                        nowMicros());
        // and, as if the gateway key had leaked, a validly signed report that dates an unconsumed
        // ALLOW a day ahead:
        // the restored life is still capped by the verdict's signed expiry (+ skew) plus its TTL
        Verdict leaked =
                signed(
                        VerdictAction.ALLOW,
                        match("192.0.2.41", -1, "198.51.100.7", 6, 40201),
                        600,
                        nowMicros());
        publish(List.of(record(block), record(leaked)));
        publishReports(
                List.of(
                        new io.ctstream.verdict.ReportSigner(TestVerdicts.KEYRING)
                                .sign(
                                        forgedApplied(
                                                leaked.getVerdictId(),
                                                nowMicros() + 86_400_000_000L))));
        VerdictKeyring attacker =
                VerdictKeyring.parse(
                        "key." + GW + ".k1 = " + Base64.getEncoder().encodeToString(new byte[32]),
                        "x");
        publishReports(
                List.of(
                        forgedApplied(old.getVerdictId(), now + 86_400_000_000L),
                        forgedApplied(block.getVerdictId(), nowMicros()),
                        new io.ctstream.verdict.ReportSigner(attacker)
                                .sign(forgedApplied(old.getVerdictId(), now + 86_400_000_000L))));

        EnforcementAgent restarted = start(config().nftCommand(ns.nftCommand()).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> reports().size() >= 7);
        Map<String, EnforcementReport> last = lastById(reports().subList(5, 7));
        assertThat(last.get(block.getVerdictId()).getOutcome())
                .isEqualTo(EnforcementOutcome.APPLIED);
        assertThat(last.get(leaked.getVerdictId()).getReason())
                .isEqualTo("replayed"); // it counted as handled
        NftState after = table();
        assertThat(after.expiresSeconds())
                .containsOnlyKeys(
                        element(VerdictAction.BLOCK, block), element(VerdictAction.ALLOW, leaked));
        // expiresAt (now + 60 s validity) + 1 s skew + 600 s TTL, not a day
        assertThat(after.expiresSeconds().get(element(VerdictAction.ALLOW, leaked)))
                .isBetween(600L, 662L);
        assertThat(restarted.metrics().count(EnforcementOutcome.REFUSED, "replayed"))
                .as("the leaked one only")
                .isEqualTo(1);
    }

    @Test
    void aRestartWith100000JunkRecordsInTheVerdictsTopicStartsInBoundedTime() throws Exception {
        EmbeddedCluster.createTopic(verdictsTopic, 2);
        EmbeddedCluster.createTopic(reportsTopic, 1);
        Properties p = kafka();
        p.put("linger.ms", "20");
        p.put("batch.size", "262144");
        java.util.Random random = new java.util.Random(18);
        try (KafkaProducer<String, byte[]> raw =
                new KafkaProducer<>(
                        p,
                        new StringSerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (int i = 0; i < 100_000; i++) {
                byte[] junk = new byte[8 + random.nextInt(24)];
                random.nextBytes(junk);
                junk[0] =
                        (byte)
                                (i % 3 == 0
                                        ? 0
                                        : junk[0]); // a third look like the wire format's magic
                // byte
                raw.send(new ProducerRecord<>(verdictsTopic, GW, junk));
            }
            raw.flush();
        }
        Verdict allow =
                signed(
                        VerdictAction.ALLOW,
                        match("192.0.2.50", -1, "198.51.100.7", 6, 40300),
                        600,
                        nowMicros());
        publish(List.of(record(allow)));

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        long start = System.nanoTime();
        EnforcementAgent agent =
                start(
                        config().dryRun(true)
                                .dryRunOut(new PrintStream(printed, true, StandardCharsets.UTF_8))
                                .meterRegistry(meters)
                                .build());
        long readyMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println(
                "ready after "
                        + readyMillis
                        + " ms with 100,000 junk records in the verdicts topic");
        assertThat(readyMillis).as("start-up with 100,000 junk records").isLessThan(60_000);
        assertThat(
                        meters.get("ctstream.enforcement.reconcile.skipped")
                                .tag("topic", "verdicts")
                                .tag("why", "undecodable")
                                .counter()
                                .count())
                .isEqualTo(100_000);
        // the loop then reports each junk record as refused, a poll's worth per transaction, and
        // reaches the verdict
        await().atMost(Duration.ofSeconds(180))
                .until(() -> agent.metrics().count(EnforcementOutcome.APPLIED, null) >= 1);
        assertThat(agent.metrics().count(EnforcementOutcome.REFUSED, "undecodable"))
                .isEqualTo(100_000);
    }

    @Test
    void aBlockNftRefusesIsRetriedWithBackoffThenRaisesAnAlert() throws Exception {
        ns = NetworkNamespace.open();
        EmbeddedCluster.createTopic(verdictsTopic, 1);
        EmbeddedCluster.createTopic(reportsTopic, 1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        EnforcementAgent agent =
                start(config().nftCommand(ns.nftCommand()).meterRegistry(meters).build());
        Verdict wide =
                signed(
                        VerdictAction.BLOCK,
                        match("203.0.113.0", 24, "10.0.0.2", 6, 0),
                        600,
                        nowMicros());
        publish(List.of(record(wide)));
        await().atMost(Duration.ofSeconds(60)).until(() -> reports().size() >= 1);
        // inside the /24 already blocked: the interval set refuses the overlap, every time
        Verdict inside =
                signed(
                        VerdictAction.BLOCK,
                        match("203.0.113.9", -1, "10.0.0.2", 6, 0),
                        600,
                        nowMicros());
        publish(List.of(record(inside)));
        await().atMost(Duration.ofSeconds(60)).until(() -> reports().size() >= 2);
        EnforcementReport failed = reports().get(1);
        assertThat(failed.getOutcome()).isEqualTo(EnforcementOutcome.FAILED);
        assertThat(failed.getReason())
                .startsWith("nft failed"); // the set refuses the overlapping interval
        assertThat(meters.get("ctstream.enforcement.nft.retries").counter().count())
                .isEqualTo(EnforcementAgent.NFT_ATTEMPTS - 1);
        assertThat(meters.get("ctstream.enforcement.block.failed").counter().count()).isEqualTo(1);
        assertThat(agent.metrics().count(EnforcementOutcome.FAILED, "nft")).isEqualTo(1);
    }

    @Test
    void dryRunPrintsTheCommandsAndTouchesNoTable() throws Exception {
        EmbeddedCluster.createTopic(verdictsTopic, 1);
        // no reports topic: the agent creates its own output topic (the broker does not
        // auto-create)
        // a record that is no Verdict at all: reported as undecodable, not lost, and the agent goes
        // on
        try (KafkaProducer<String, byte[]> raw =
                new KafkaProducer<>(
                        kafka(),
                        new StringSerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            raw.send(
                            new ProducerRecord<>(
                                    verdictsTopic, GW, "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        Verdict allow =
                signed(
                        VerdictAction.ALLOW,
                        match("192.0.2.10", -1, "198.51.100.7", 6, 40123),
                        600,
                        nowMicros());
        publish(List.of(record(allow)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        start(
                config().dryRun(true)
                        .dryRunOut(new PrintStream(out, true, StandardCharsets.UTF_8))
                        .nftCommand(List.of("/nonexistent/nft"))
                        .build());
        await().atMost(Duration.ofSeconds(60)).until(() -> reports().size() >= 2);
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(kafka())) {
            assertThat(admin.listTopics().names().get()).contains(reportsTopic);
        }
        EnforcementReport bad = reports().get(0);
        assertThat(bad.getOutcome()).isEqualTo(EnforcementOutcome.REFUSED);
        assertThat(bad.getReason()).startsWith("undecodable");
        assertThat(bad.getVerdictId()).isEqualTo(verdictsTopic + "-0@0");
        EnforcementReport r = reports().get(1);
        assertThat(r.getVerdictId()).isEqualTo(allow.getVerdictId());
        assertThat(r.getOutcome()).isEqualTo(EnforcementOutcome.APPLIED);
        assertThat(r.getDryRun()).isTrue();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("add table inet ctstream")
                .contains(
                        "add element inet ctstream allow4 { 192.0.2.10 . 198.51.100.7 . 6 . 40123 timeout 600000ms }");
    }

    /**
     * kill -9 of an agent in its own JVM while it works through a backlog, new verdicts (some
     * revoking earlier ones) while it is down, a restart: every verdict has exactly one committed
     * report (the killed run's open transaction is aborted, its verdicts are applied again) and the
     * sets hold exactly the verdicts in force.
     */
    @Test
    void aKilledAgentRestartsWithOneCommittedReportPerVerdictAndExactlyTheVerdictsInForce()
            throws Exception {
        ns = NetworkNamespace.open();
        EmbeddedCluster.createTopic(verdictsTopic, 3);
        EmbeddedCluster.createTopic(reportsTopic, 1);
        long now = nowMicros();
        List<Verdict> allows = new ArrayList<>();
        List<Verdict> blocks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            allows.add(
                    valid(
                            VerdictAction.ALLOW,
                            match(
                                    "10.20." + (i / 250) + "." + (i % 250 + 1),
                                    -1,
                                    "198.51.100.7",
                                    6,
                                    20000 + i),
                            600,
                            now));
        }
        for (int k = 0; k < 10; k++) {
            blocks.add(
                    valid(
                            VerdictAction.BLOCK,
                            match("203.0.113." + (k + 1), -1, null, 6, 0),
                            600,
                            now));
        }
        List<ProducerRecord<String, Verdict>> backlog = new ArrayList<>();
        allows.forEach(v -> backlog.add(record(v)));
        blocks.forEach(v -> backlog.add(record(v)));
        publish(backlog);

        List<String> args =
                List.of(
                        EmbeddedCluster.bootstrapServers(),
                        EmbeddedCluster.schemaRegistryUrl(),
                        verdictsTopic,
                        reportsTopic,
                        group,
                        ns.name());
        java.nio.file.Path log = java.nio.file.Path.of("target", "agent-child-" + group + ".log");
        io.ctstream.embedded.process.ChildJvm child = startChild(args, log);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> reports().size() >= 40);
            child.kill();
            int committedAtKill = reports().size();
            assertThat(committedAtKill)
                    .as("killed in the middle of the backlog")
                    .isLessThan(backlog.size());

            // while it is down: a quarter of the pinholes are revoked, 50 new ones arrive
            long later = nowMicros();
            List<ProducerRecord<String, Verdict>> whileDown = new ArrayList<>();
            List<Verdict> revoked = new ArrayList<>();
            for (int i = 0; i < allows.size(); i += 4) {
                revoked.add(allows.get(i));
                whileDown.add(
                        record(valid(VerdictAction.REVOKE, allows.get(i).getMatch(), 0, later)));
            }
            List<Verdict> newAllows = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                newAllows.add(
                        valid(
                                VerdictAction.ALLOW,
                                match("10.21.0." + (i + 1), -1, "198.51.100.8", 17, 30000 + i),
                                600,
                                later));
            }
            newAllows.forEach(v -> whileDown.add(record(v)));
            publish(whileDown);

            child = startChild(args, log);
            int total = backlog.size() + whileDown.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> reports().size() >= total);
            List<EnforcementReport> reports = reports();
            assertThat(reports)
                    .as("committed reports (%d when killed)", committedAtKill)
                    .hasSize(total);
            assertThat(reports).extracting(EnforcementReport::getVerdictId).doesNotHaveDuplicates();
            assertThat(reports)
                    .allSatisfy(
                            r ->
                                    assertThat(r.getOutcome())
                                            .as(r.getVerdictId() + " " + r.getReason())
                                            .isEqualTo(EnforcementOutcome.APPLIED));

            java.util.Set<NftElement> inForce = new java.util.HashSet<>();
            allows.stream()
                    .filter(v -> !revoked.contains(v))
                    .forEach(v -> inForce.add(element(VerdictAction.ALLOW, v)));
            newAllows.forEach(v -> inForce.add(element(VerdictAction.ALLOW, v)));
            blocks.forEach(v -> inForce.add(element(VerdictAction.BLOCK, v)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () ->
                                    assertThat(table().expiresSeconds().keySet())
                                            .containsExactlyInAnyOrderElementsOf(inForce));
            long applied =
                    java.nio.file.Files.readAllLines(log).stream()
                            .filter(l -> l.contains("applied "))
                            .count();
            System.out.printf(
                    "agent killed with %d of %d reports committed; %d applications for %d verdicts%n",
                    committedAtKill, backlog.size(), applied, total);
        } finally {
            child.kill();
        }
    }

    /**
     * Signed, and valid for 10 minutes: on a loaded machine the backlog may take longer than a
     * minute.
     */
    private static Verdict valid(
            VerdictAction action, io.ctstream.avro.VerdictMatch m, int ttl, long now) {
        return TestVerdicts.SIGNER.sign(TestVerdicts.unsigned(action, m, ttl, now, 600_000_000L));
    }

    private static io.ctstream.embedded.process.ChildJvm startChild(
            List<String> args, java.nio.file.Path log) {
        return io.ctstream.embedded.process.ChildJvm.start(
                "enforcement-agent",
                io.ctstream.embedded.process.ChildJvm.currentClassPath(),
                List.of("-Xmx256m"),
                AgentChild.class.getName(),
                args,
                log);
    }
}
