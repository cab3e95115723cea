package io.ctstream.dashboards;

import io.ctstream.capture.agent.CaptureAgent;
import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.enforcement.agent.EnforcementAgent;
import io.ctstream.enforcement.agent.EnforcementAgentConfig;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.launcher.metrics.PrometheusMetrics;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.policy.PolicyConfig;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.verdict.VerdictKeyring;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on the embedded broker and registry, each component with its own Prometheus
 * registry and endpoint, as {@code ctstream streams|replay|enforce} run them: streams-app with a
 * policy, a capture agent replaying every lab capture over and over (so the pipeline is live while
 * Prometheus scrapes it), and a dry-run enforcement agent that refuses wildcard sources, so that
 * applied ALLOWs, BLOCKs and refusals all happen.
 */
final class LivePipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LivePipeline.class);
    static final String SENSOR = "lab";
    static final String GATEWAY = "gw-lab";
    private static final String POLICY =
            """
            gateways:
              - id: gw-lab
                sensors: [lab]
                helpers: [ftp, irc]
            alertResponses:
              ftp-bounce: {blockSeconds: 600}
              forged-dcc: {blockSeconds: 600}
            """;

    private final PrometheusMetrics streamsMetrics = new PrometheusMetrics();
    private final PrometheusMetrics captureMetrics = new PrometheusMetrics();
    private final PrometheusMetrics enforcementMetrics = new PrometheusMetrics();
    private final StreamsApp streams;
    private final EnforcementAgent enforcement;
    private final Thread enforcementThread;
    private final Thread replayLoop;
    private final int captureMetricsPort;
    private final int enforcementMetricsPort;
    private volatile boolean stopping;
    private volatile CaptureAgent replaying;

    LivePipeline(Path stateDir) throws IOException {
        String prefix = "dash-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        EmbeddedCluster.createTopic(Topics.name(prefix, Topics.PACKETS), 2);
        EmbeddedCluster.createTopic(
                Topics.name(prefix, Topics.REPORTS), 1); // the agent does not create it
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        // the policy's key and an operator's (scoped) key, whose BLOCK below feeds the operator
        // actions panel
        VerdictKeyring keys =
                VerdictKeyring.parse(
                        "key."
                                + GATEWAY
                                + ".k1 = "
                                + java.util.Base64.getEncoder().encodeToString(secret)
                                + "\nkey."
                                + GATEWAY
                                + ".op-dash = "
                                + java.util.Base64.getEncoder().encodeToString(new byte[32])
                                + "\nscope."
                                + GATEWAY
                                + ".op-dash = BLOCK,REVOKE max-ttl=600\n",
                        "dashboard-test keys");
        Properties clients = new Properties();
        clients.put("bootstrap.servers", EmbeddedCluster.bootstrapServers());
        clients.put("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());

        streams =
                new StreamsApp(
                        StreamsAppConfig.builder()
                                .applicationId(prefix + "app")
                                .bootstrapServers(EmbeddedCluster.bootstrapServers())
                                .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                                .topicPrefix(prefix)
                                .stateDir(stateDir)
                                .partitions(2)
                                .queryHost("127.0.0.1")
                                .queryPort(0)
                                .policy(
                                        new VerdictPolicy(
                                                PolicyConfig.parse(POLICY, "dashboard-test.yaml"),
                                                keys,
                                                Clock.systemUTC()))
                                .build(),
                        streamsMetrics.registry());
        streams.start();

        enforcement =
                new EnforcementAgent(
                        EnforcementAgentConfig.builder()
                                .gatewayId(GATEWAY)
                                .keyring(keys)
                                .kafka(clients)
                                .topicPrefix(prefix)
                                .limits(
                                        new GateLimits(
                                                86_400,
                                                24,
                                                64,
                                                false,
                                                GateLimits.PORT_PROTOCOLS,
                                                Duration.ofSeconds(5),
                                                100_000))
                                .dryRun(true)
                                .dryRunOut(new PrintStream(OutputStream.nullOutputStream()))
                                .meterRegistry(enforcementMetrics.registry())
                                .build());
        enforcementMetricsPort = enforcementMetrics.serve("127.0.0.1", 0);
        enforcementThread =
                new Thread(
                        () -> {
                            try {
                                enforcement.run();
                            } catch (Exception e) {
                                LOG.error("enforcement agent stopped", e);
                            }
                        },
                        "dashboard-test-enforcement");
        enforcementThread.start();
        publishOperatorBlock(clients, Topics.name(prefix, Topics.VERDICTS), keys);

        List<Path> captures;
        try (Stream<Path> files = Files.list(Path.of("..", "testdata", "lab"))) {
            captures = files.filter(f -> f.toString().endsWith(".pcap")).sorted().toList();
        }
        CaptureAgentConfig replay =
                CaptureAgentConfig.builder()
                        .sensorId(SENSOR)
                        .topic(Topics.name(prefix, Topics.PACKETS))
                        .clientProperties(clients)
                        .replay(captures, 0)
                        .build();
        captureMetricsPort = captureMetrics.serve("127.0.0.1", 0);
        replayLoop = new Thread(() -> replayUntilStopped(replay), "dashboard-test-replay");
        replayLoop.start();
    }

    /** Bounded: at most 200 rounds of every lab capture, one a second. */
    private void replayUntilStopped(CaptureAgentConfig config) {
        for (int round = 0; round < 200 && !stopping; round++) {
            try {
                replaying = new CaptureAgent(config, captureMetrics.registry());
                replaying.run();
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.error("replay round {} failed", round, e);
                return;
            }
        }
    }

    int streamsMetricsPort() {
        return streams.queryPort();
    }

    int captureMetricsPort() {
        return captureMetricsPort;
    }

    int enforcementMetricsPort() {
        return enforcementMetricsPort;
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        CaptureAgent agent = replaying;
        if (agent != null) {
            agent.stop();
        }
        replayLoop.join(30_000);
        enforcement.close();
        enforcementThread.join(30_000);
        streams.close();
        captureMetrics.close();
        enforcementMetrics.close();
        streamsMetrics.close();
    }

    /**
     * One operator BLOCK, signed with the scoped key, as {@code ctstream verdict block} publishes
     * it.
     */
    private static void publishOperatorBlock(
            Properties clients, String topic, VerdictKeyring keys) {
        long now = System.currentTimeMillis() * 1000;
        io.ctstream.avro.Verdict block =
                new io.ctstream.verdict.VerdictSigner(keys)
                        .sign(
                                io.ctstream.avro.Verdict.newBuilder()
                                        .setVerdictId("op-dashboard-test")
                                        .setGatewayId(GATEWAY)
                                        .setAction(io.ctstream.avro.VerdictAction.BLOCK)
                                        .setMatch(
                                                io.ctstream.avro.VerdictMatch.newBuilder()
                                                        .setIpVersion(4)
                                                        .setProtocol(6)
                                                        .setSrc(
                                                                java.nio.ByteBuffer.wrap(
                                                                        new byte[] {
                                                                            (byte) 203, 0, 113, 9
                                                                        }))
                                                        .build())
                                        .setTtlSeconds(600)
                                        .setReason("operator dash: dashboard test")
                                        .setEvidence(
                                                io.ctstream.avro.VerdictEvidence.newBuilder()
                                                        .setAlertIds(List.of())
                                                        .build())
                                        .setIssuedAtMicros(now)
                                        .setExpiresAtMicros(now + 600_000_000L)
                                        .build(),
                                "op-dash");
        Map<String, Object> serdeConfig = new java.util.HashMap<>();
        clients.forEach((k, v) -> serdeConfig.put((String) k, v));
        try (io.ctstream.serde.SpecificAvroSerde<io.ctstream.avro.Verdict> serde =
                        io.ctstream.serde.AvroSerdes.specific(
                                io.ctstream.avro.Verdict.class, serdeConfig, false);
                org.apache.kafka.clients.producer.KafkaProducer<String, io.ctstream.avro.Verdict>
                        producer =
                                new org.apache.kafka.clients.producer.KafkaProducer<>(
                                        clients,
                                        new org.apache.kafka.common.serialization
                                                .StringSerializer(),
                                        serde.serializer())) {
            producer.send(
                            new org.apache.kafka.clients.producer.ProducerRecord<>(
                                    topic, GATEWAY, block))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish the operator BLOCK", e);
        }
    }
}
