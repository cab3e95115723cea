package io.ctstream.launcher.demo;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.Verdict;
import io.ctstream.capture.agent.CaptureTotals;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.enforcement.agent.EnforcementAgentConfig;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.launcher.analyze.PipelineAnalyzer;
import io.ctstream.launcher.analyze.ReplayTopics;
import io.ctstream.launcher.analyze.TopicReader;
import io.ctstream.launcher.lab.EnforcementRunner;
import io.ctstream.launcher.lab.LabPolicy;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.config.HelperKeys;
import io.ctstream.verdict.VerdictKeyring;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * What {@code ctstream demo} runs: the bundled lab captures replayed through the real pipeline —
 * capture agent (one sensor per scenario) → streams-app with a demo policy and freshly generated
 * keys, its query API up → signed verdicts → an enforcement agent in dry-run mode that reports each
 * one without touching nftables (no root needed) — and a readable summary of what came out.
 */
public final class DemoRun implements AutoCloseable {
    public static final String GATEWAY_ID = "gw-demo";

    /** The traffic lab's networks (testdata/lab): every scenario crosses this gateway. */
    static final List<String> LAB_SUBNETS = List.of("10.77.0.0/16", "fd77::/16");

    /**
     * @param captures the scenario captures, replayed in the order they were recorded
     * @param queryPort the query API port (0: any free one)
     * @param enforcement run the dry-run enforcement agent
     * @param topicPrefix put before the run's own topic prefix ({@code demo-<random>-})
     * @param streamsConfig the config file's streams-app settings over the demo's (timeouts,
     *     helpers, caps)
     */
    public record Options(
            List<Path> captures,
            int queryPort,
            boolean enforcement,
            String topicPrefix,
            UnaryOperator<StreamsAppConfig.Builder> streamsConfig) {
        public Options(
                List<Path> captures, int queryPort, boolean enforcement, String topicPrefix) {
            this(captures, queryPort, enforcement, topicPrefix, b -> b);
        }
    }

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final Properties client;
    private final Options options;
    private final MeterRegistry meters;
    private final PrintWriter out;
    private final Path workDir;
    private final LabPolicy policy;
    private final StreamsAppConfig config;
    private StreamsApp streams;
    private EnforcementRunner agent;
    private PrintStream dryRunOut;

    public DemoRun(
            String bootstrapServers,
            String schemaRegistryUrl,
            Options options,
            MeterRegistry meters,
            PrintWriter out)
            throws IOException {
        this(TopicReader.clientOf(bootstrapServers, schemaRegistryUrl), options, meters, out);
    }

    /**
     * @param client bootstrap.servers, schema.registry.url and the rest of {@code --config} (TLS,
     *     SASL, registry auth)
     */
    public DemoRun(Properties client, Options options, MeterRegistry meters, PrintWriter out)
            throws IOException {
        this.client = new Properties();
        this.client.putAll(client);
        this.bootstrapServers = client.getProperty("bootstrap.servers");
        this.schemaRegistryUrl = client.getProperty("schema.registry.url");
        this.options = options;
        this.meters = meters;
        this.out = out;
        this.workDir = Files.createTempDirectory("ctstream-demo");
        String prefix =
                options.topicPrefix()
                        + "demo-"
                        + UUID.randomUUID().toString().substring(0, 8)
                        + "-";
        LabPolicy policy =
                LabPolicy.write(
                        workDir,
                        GATEWAY_ID,
                        List.of(),
                        LAB_SUBNETS,
                        List.of("ftp", "irc"),
                        120,
                        Map.of("ftp-bounce", 600, "forged-dcc", 600));
        this.config =
                options.streamsConfig()
                        .apply(StreamsAppConfig.builder())
                        .applicationId(prefix + "streams")
                        .bootstrapServers(bootstrapServers)
                        .schemaRegistryUrl(schemaRegistryUrl)
                        .clientProperties(client)
                        .topicPrefix(prefix)
                        .partitions(2)
                        .stateDir(workDir.resolve("streams-state"))
                        .queryPort(options.queryPort())
                        .policy(policy.load())
                        .build();
        this.policy = policy;
    }

    /**
     * The captures in {@code dir} ({@code *.pcap}, {@code *.pcapng}), in the order they were
     * recorded.
     */
    public static List<Path> capturesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "no capture directory "
                            + dir
                            + " (run from the repository root, or give --captures DIR)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files =
                    s.filter(p -> p.getFileName().toString().matches(".*\\.pcap(ng)?$"))
                            .filter(p -> !p.getFileName().toString().contains(".egress."))
                            .toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .pcap or .pcapng captures in " + dir);
        }
        // Stream time only moves forward: a scenario recorded earlier but replayed later would be
        // late.
        List<Path> sorted = new ArrayList<>(files);
        Map<Path, Long> first = new HashMap<>();
        for (Path f : files) {
            first.put(f, firstTimestamp(f));
        }
        sorted.sort(Comparator.comparing(first::get));
        return sorted;
    }

    private static long firstTimestamp(Path file) {
        try (CaptureFileReader r = CaptureFiles.open(file)) {
            CapturedFrame frame = new CapturedFrame();
            return r.next(frame) ? frame.timestampNanos() : Long.MAX_VALUE;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Starts streams-app (with its query API) and the dry-run enforcement agent. */
    public void start() throws InterruptedException, IOException {
        List<String> topics = new ArrayList<>(ConntrackTopology.topics(config));
        topics.add(config.topic(Topics.REPORTS));
        ReplayTopics.create(kafka(), topics, config.partitions());
        streams = new StreamsApp(config, meters);
        streams.start();
        streams.awaitRunning(Duration.ofMinutes(2));
        if (options.enforcement()) {
            Path nftLog = workDir.resolve("nft-dry-run.txt");
            dryRunOut =
                    new PrintStream(Files.newOutputStream(nftLog), true, StandardCharsets.UTF_8);
            agent =
                    EnforcementRunner.start(
                            EnforcementAgentConfig.builder()
                                    .gatewayId(GATEWAY_ID)
                                    .keyring(VerdictKeyring.load(policy.keyFile()))
                                    .kafka(kafka())
                                    .topicPrefix(config.topicPrefix())
                                    .dryRun(true)
                                    // the lab policy opens IRC DCC pinholes from any source
                                    // (wildcardSource): the agent must accept them too
                                    .limits(
                                            GateLimits.defaults().toBuilder()
                                                    .allowWildcardSource(true)
                                                    .build())
                                    .dryRunOut(dryRunOut)
                                    .pollTimeout(Duration.ofMillis(200))
                                    .meterRegistry(meters)
                                    .build(),
                            Duration.ofSeconds(90));
        }
    }

    /**
     * Replays every capture as fast as possible, one sensor per scenario (its file name), and waits
     * for the pipeline to take each in before the next: the scenarios were recorded minutes apart,
     * and a later one racing ahead would carry stream time past an earlier one's matching grace.
     * Prints the running totals after each.
     */
    public void replay() throws IOException {
        PipelineAnalyzer replayer =
                new PipelineAnalyzer(client, meters)
                        .payloadPorts(
                                HelperKeys.payloadPorts(
                                        config.helpers())); // the configured helper ports' payload
        TopicReader reader = new TopicReader(client);
        for (Path pcap : options.captures()) {
            String scenario = pcap.getFileName().toString().replaceAll("\\.pcap(ng)?$", "");
            CaptureTotals t =
                    replayer.replay(config.topic(Topics.PACKETS), scenario, List.of(pcap), 0);
            PipelineAnalyzer.awaitQuiet(streams, Duration.ofMillis(500), Duration.ofMinutes(2));
            long connections =
                    reader.readAll(config.topic(Topics.CONN_EVENTS), ConnectionEvent.class).stream()
                            .filter(e -> e.getType() == ConnectionEventType.NEW)
                            .count();
            long expectations =
                    reader
                            .readAll(config.topic(Topics.EXPECTATIONS), ExpectationEvent.class)
                            .stream()
                            .filter(e -> e.getType() == ExpectationEventType.CREATED)
                            .count();
            long alerts = reader.readAll(config.topic(Topics.ALERTS), Alert.class).size();
            long verdicts = reader.readAll(config.topic(Topics.VERDICTS), Verdict.class).size();
            out.printf(
                    "  %-22s %4d packets | so far: %3d connections, %2d expectations, %2d alerts, %2d verdicts%n",
                    scenario, t.published(), connections, expectations, alerts, verdicts);
        }
    }

    /**
     * Waits until the pipeline has settled and every verdict has its report, then summarizes the
     * run.
     */
    public DemoSummary settleAndSummarize(Duration timeout) {
        PipelineAnalyzer.settle(streams, Duration.ofMillis(1500), timeout);
        if (options.enforcement()) {
            TopicReader reader = new TopicReader(client);
            int verdicts = reader.readAll(config.topic(Topics.VERDICTS), Verdict.class).size();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (reader.readAll(config.topic(Topics.REPORTS), EnforcementReport.class).size()
                            < verdicts
                    && System.nanoTime() < deadline
                    && pause()) {
                // the agent reports each verdict in its own transaction, after the pipeline settled
            }
        }
        return DemoSummary.of(streams);
    }

    private static boolean pause() {
        try {
            Thread.sleep(200);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Where to look while it runs: the query API, the topics, the broker and registry, the nft
     * commands.
     */
    public void printWhereToLook() {
        String query = "http://" + config.queryHost() + ":" + streams.queryPort();
        out.println("where to look:");
        out.println(
                "  query API        "
                        + query
                        + "/connections/counts   "
                        + query
                        + "/connections?helper=ftp   "
                        + query
                        + "/health");
        out.println("                   ./ctstream query --url " + query + " counts");
        out.println("  metrics          " + DemoMetrics.describe(streams));
        out.println(
                "  kafka            bootstrap.servers="
                        + bootstrapServers
                        + "  schema.registry.url="
                        + schemaRegistryUrl);
        out.println(
                "  topics           "
                        + String.join(
                                " ",
                                List.of(
                                                Topics.PACKETS,
                                                Topics.CONN_EVENTS,
                                                Topics.EXPECTATIONS,
                                                Topics.ALERTS,
                                                Topics.VERDICTS,
                                                Topics.REPORTS)
                                        .stream()
                                        .map(config::topic)
                                        .toList()));
        out.println("  policy and keys  " + policy.policyFile() + "  " + policy.keyFile());
        if (options.enforcement()) {
            out.println(
                    "  nft (dry run)    "
                            + workDir.resolve("nft-dry-run.txt")
                            + "  (what the agent of "
                            + GATEWAY_ID
                            + " would run)");
        }
    }

    private Properties kafka() {
        Properties kafka = new Properties();
        kafka.putAll(client);
        return kafka;
    }

    public StreamsAppConfig config() {
        return config;
    }

    public StreamsApp streams() {
        return streams;
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
        }
        if (streams != null) {
            streams.close();
        }
        if (dryRunOut != null) {
            dryRunOut.close();
        }
    }
}
