package io.ctstream.launcher.analyze;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.Alert;
import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.capture.agent.CaptureAgent;
import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.agent.CaptureRunException;
import io.ctstream.capture.agent.CaptureTotals;
import io.ctstream.capture.batch.BatchOptions;
import io.ctstream.capture.file.CaptureFileCheck;
import io.ctstream.capture.file.CaptureFileException;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.launcher.scratch.ScratchDirectories;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamTimeTicks;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.config.HelperKeys;
import io.ctstream.streams.json.AnalysisReport;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs the real pipeline over captures: capture-agent replay into a fresh set of topics,
 * streams-app over them, and a report built from what the pipeline wrote. The broker and registry
 * are whatever the caller gives (the embedded ones by default in {@code ctstream analyze}).
 */
public final class PipelineAnalyzer {

    /** One capture and the sensor that saw it. */
    public record Input(Path pcap, String sensor) {}

    /**
     * How to run: the streams-app configuration template and when to call the run finished.
     *
     * @param settleBetweenSensors replay the next sensor's captures only once the pipeline has
     *     processed the previous sensor's (a sensor whose records arrive late, e.g. one that
     *     uploads in batches)
     */
    public record Options(
            int partitions,
            int streamThreads,
            Duration quietPeriod,
            Duration timeout,
            UnaryOperator<StreamsAppConfig.Builder> streamsConfig,
            double replaySpeed,
            boolean settleBetweenSensors,
            int batchPackets) {
        public Options(
                int partitions,
                int streamThreads,
                Duration quietPeriod,
                Duration timeout,
                UnaryOperator<StreamsAppConfig.Builder> streamsConfig) {
            this(
                    partitions,
                    streamThreads,
                    quietPeriod,
                    timeout,
                    streamsConfig,
                    0,
                    false,
                    BatchOptions.DEFAULT_PACKETS);
        }

        public static Options defaults() {
            return new Options(
                    4,
                    2,
                    Duration.ofMillis(1500),
                    Duration.ofMinutes(3),
                    b -> b,
                    0,
                    false,
                    BatchOptions.DEFAULT_PACKETS);
        }

        /** A builder starting from these options. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.partitions = partitions;
            b.streamThreads = streamThreads;
            b.quietPeriod = quietPeriod;
            b.timeout = timeout;
            b.streamsConfig = streamsConfig;
            b.replaySpeed = replaySpeed;
            b.settleBetweenSensors = settleBetweenSensors;
            b.batchPackets = batchPackets;
            return b;
        }

        /**
         * Builds Options, from {@link #defaults()}{@code .toBuilder()}: replaySpeed (times the
         * recorded pace, 0: as fast as possible), settleBetweenSensors, batchPackets (the capture
         * agent's batch size, 1: off) and the rest.
         */
        public static final class Builder {
            private int partitions;
            private int streamThreads;
            private Duration quietPeriod;
            private Duration timeout;
            private UnaryOperator<StreamsAppConfig.Builder> streamsConfig;
            private double replaySpeed;
            private boolean settleBetweenSensors;
            private int batchPackets;

            private Builder() {}

            public Builder partitions(int v) {
                partitions = v;
                return this;
            }

            public Builder streamThreads(int v) {
                streamThreads = v;
                return this;
            }

            public Builder quietPeriod(Duration v) {
                quietPeriod = v;
                return this;
            }

            public Builder timeout(Duration v) {
                timeout = v;
                return this;
            }

            public Builder streamsConfig(UnaryOperator<StreamsAppConfig.Builder> v) {
                streamsConfig = v;
                return this;
            }

            public Builder replaySpeed(double v) {
                replaySpeed = v;
                return this;
            }

            public Builder settleBetweenSensors(boolean v) {
                settleBetweenSensors = v;
                return this;
            }

            public Builder batchPackets(int v) {
                batchPackets = v;
                return this;
            }

            public Options build() {
                return new Options(
                        partitions,
                        streamThreads,
                        quietPeriod,
                        timeout,
                        streamsConfig,
                        replaySpeed,
                        settleBetweenSensors,
                        batchPackets);
            }
        }
    }

    /**
     * What one run produced.
     *
     * @param cutShort the captures that ended in the middle of a packet: their packets before the
     *     cut are in the report, the rest of that sensor's captures was not replayed
     */
    public record Result(
            ObjectNode report,
            Map<String, CaptureTotals> captureTotals,
            String topicPrefix,
            List<CaptureFileException> cutShort) {
        public Result(
                ObjectNode report, Map<String, CaptureTotals> captureTotals, String topicPrefix) {
            this(report, captureTotals, topicPrefix, List.of());
        }
    }

    private final String bootstrapServers;
    private final String schemaRegistryUrl;

    /**
     * The client properties every Kafka and registry client of the run gets: {@code --config}'s
     * TLS, SASL, auth.
     */
    private final Properties client;

    private final MeterRegistry meters;
    private boolean progress;
    private String topicPrefix = "";
    private boolean keepTopics = true;

    /** TCP ports whose payload the run's sensors keep: the helpers' ports of the run's config. */
    private List<Integer> payloadPorts = EdgePayloadPolicy.DEFAULT_HELPER_PORTS;

    private UnaryOperator<CaptureAgentConfig.Builder> sensorConfig = b -> b;

    public PipelineAnalyzer(
            String bootstrapServers, String schemaRegistryUrl, MeterRegistry meters) {
        this(TopicReader.clientOf(bootstrapServers, schemaRegistryUrl), meters);
    }

    /**
     * @param client bootstrap.servers, schema.registry.url and any other client settings ({@code
     *     --config})
     */
    public PipelineAnalyzer(Properties client, MeterRegistry meters) {
        this.bootstrapServers = client.getProperty("bootstrap.servers");
        this.schemaRegistryUrl = client.getProperty("schema.registry.url");
        this.client = new Properties();
        this.client.putAll(client);
        this.meters = meters;
    }

    /**
     * Names the run's topics (and the streams application) {@code <prefix>analyze-<run id>-…}
     * (default: no prefix).
     */
    public PipelineAnalyzer topicPrefix(String prefix) {
        this.topicPrefix = prefix == null ? "" : prefix;
        return this;
    }

    /**
     * Whether the run's topics, and its streams application's internal topics and consumer group,
     * stay after the report is read (default: they stay, for callers that read them afterwards;
     * {@code ctstream analyze} deletes them unless {@code --keep-topics}).
     */
    public PipelineAnalyzer keepTopics(boolean keep) {
        this.keepTopics = keep;
        return this;
    }

    /**
     * The TCP ports whose payload {@link #replay} keeps (default: the helpers' default ports);
     * {@link #analyze} sets its config's helper ports.
     */
    public PipelineAnalyzer payloadPorts(Collection<Integer> ports) {
        this.payloadPorts = List.copyOf(ports);
        return this;
    }

    /** Settings of the sensors that replay the captures (the config file's {@code edge.*} keys). */
    public PipelineAnalyzer sensorConfig(UnaryOperator<CaptureAgentConfig.Builder> settings) {
        this.sensorConfig = settings;
        return this;
    }

    /** Draw the capture agent's progress line on stderr while replaying (off by default). */
    public PipelineAnalyzer showProgress(boolean show) {
        this.progress = show;
        return this;
    }

    public Result analyze(List<Input> inputs, Options options) throws IOException {
        for (Input in : inputs) {
            CaptureFileCheck.check(
                    in.pcap()); // before any topic or thread: names the file and what is wrong
        }
        List<CaptureFileException> cutShort = new ArrayList<>();
        String prefix =
                topicPrefix + "analyze-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        // removed below, by a shutdown hook on Ctrl-C, and by the next command's sweep after a kill
        Path stateDir = ScratchDirectories.create("analyze-state");
        StreamsAppConfig config =
                options.streamsConfig()
                        .apply(
                                StreamsAppConfig.builder()
                                        .applicationId(prefix + "streams")
                                        .bootstrapServers(bootstrapServers)
                                        .schemaRegistryUrl(schemaRegistryUrl)
                                        .clientProperties(withoutPrefix(client))
                                        .topicPrefix(prefix)
                                        .partitions(options.partitions())
                                        .streamThreads(options.streamThreads())
                                        .stateDir(stateDir))
                        .build();
        payloadPorts = new ArrayList<>(HelperKeys.payloadPorts(config.helpers()));
        Map<String, CaptureTotals> totals = new LinkedHashMap<>();
        List<Connection> current = new ArrayList<>();
        Properties kafka = new Properties();
        kafka.putAll(config.adminConfig());
        ReplayTopics.create(kafka, ConntrackTopology.topics(config), config.partitions());
        try (StreamsApp app = new StreamsApp(config, meters)) {
            app.start();
            app.awaitRunning(options.timeout());
            Map<String, List<Path>> bySensor = new LinkedHashMap<>();
            for (Input in : inputs) {
                bySensor.computeIfAbsent(in.sensor(), s -> new ArrayList<>()).add(in.pcap());
            }
            if (options.settleBetweenSensors()) {
                for (Map.Entry<String, List<Path>> e : bySensor.entrySet()) {
                    totals.put(
                            e.getKey(),
                            replayUpToACut(
                                    config.topic(Topics.PACKETS),
                                    e.getKey(),
                                    e.getValue(),
                                    options,
                                    cutShort));
                    awaitQuiet(app, options.quietPeriod(), options.timeout());
                }
            } else {
                for (Map.Entry<String, List<Path>> e : bySensor.entrySet()) {
                    totals.put(
                            e.getKey(),
                            replayUpToACut(
                                    config.topic(Topics.PACKETS),
                                    e.getKey(),
                                    e.getValue(),
                                    options,
                                    cutShort));
                }
            }
            settle(app, options.quietPeriod(), options.timeout());
            current.addAll(app.liveConnections());
        } catch (RuntimeException | IOException e) {
            if (!keepTopics) {
                RunTopics.delete(kafka, prefix, config.applicationId());
            }
            throw e;
        } finally {
            ScratchDirectories.delete(stateDir);
        }
        ObjectNode report = report(config, current);
        if (!keepTopics) {
            RunTopics.delete(kafka, prefix, config.applicationId());
        }
        return new Result(report, totals, prefix, List.copyOf(cutShort));
    }

    /**
     * Replays as {@link #replay(String, String, List, double, int)}, but a capture cut short in the
     * middle of a packet (a capture copied while still being written) ends that sensor's replay
     * without failing the run: its packets before the cut are analysed, and the cut is added to
     * {@code cutShort} for the caller to report.
     */
    private CaptureTotals replayUpToACut(
            String topic,
            String sensor,
            List<Path> files,
            Options options,
            List<CaptureFileException> cutShort)
            throws IOException {
        try {
            return replay(topic, sensor, files, options.replaySpeed(), options.batchPackets());
        } catch (CaptureRunException e) {
            if (e.getCause() instanceof CaptureFileException cut && cut.truncated()) {
                cutShort.add(cut);
                return e.totals();
            }
            throw e;
        }
    }

    /**
     * Waits until the application has processed every packet and its topics are quiet, sends the
     * stream-time ticks that carry the matcher past its grace (a finite replay has no later packets
     * to do it), and waits again: then every expectation of the input has its final event.
     */
    public static void settle(StreamsApp app, Duration quietPeriod, Duration timeout) {
        awaitQuiet(app, quietPeriod, timeout);
        try (Admin admin = Admin.create(app.config().adminConfig())) {
            StreamTimeTicks.send(admin, app.config());
        }
        awaitQuiet(app, quietPeriod, timeout);
    }

    /**
     * Waits until {@code app} has processed everything it was given and its topics are quiet
     * ({@link Quiescence}).
     */
    public static void awaitQuiet(StreamsApp app, Duration quietPeriod, Duration timeout) {
        StreamsAppConfig config = app.config();
        List<String> internalSources =
                List.of(
                        config.topic(ConntrackTopology.MATCH_TOPIC),
                        config.topic(ConntrackTopology.FEEDBACK_TOPIC));
        try (Admin admin = Admin.create(config.adminConfig())) {
            Quiescence.await(
                    admin,
                    config.applicationId(),
                    config.topic(Topics.PACKETS),
                    ConntrackTopology.topics(config),
                    internalSources,
                    partitions -> StreamsLag.caughtUp(app.streams(), partitions),
                    quietPeriod,
                    timeout);
        }
    }

    /**
     * The report of what the pipeline of {@code config} published, with {@code current}'s final
     * counters.
     */
    public static ObjectNode report(StreamsAppConfig config, List<Connection> current) {
        TopicReader reader = readerOf(config);
        List<ConnectionEvent> conns =
                reader.readAll(config.topic(Topics.CONN_EVENTS), ConnectionEvent.class);
        List<ExpectationEvent> exps =
                reader.readAll(config.topic(Topics.EXPECTATIONS), ExpectationEvent.class);
        List<Alert> alerts = reader.readAll(config.topic(Topics.ALERTS), Alert.class);
        return AnalysisReport.build(conns, current, exps, alerts);
    }

    /**
     * Replays {@code files} as sensor {@code sensor} into {@code topic}, at {@code speed} (0: as
     * fast as possible).
     */
    public CaptureTotals replay(String topic, String sensor, List<Path> files, double speed)
            throws IOException {
        return replay(topic, sensor, files, speed, BatchOptions.DEFAULT_PACKETS);
    }

    /**
     * {@link #replay(String, String, List, double)} with at most {@code batchPackets} per record
     * (1: no batching).
     */
    public CaptureTotals replay(
            String topic, String sensor, List<Path> files, double speed, int batchPackets)
            throws IOException {
        Properties client = withoutPrefix(this.client);
        CaptureAgentConfig cfg =
                sensorConfig
                        .apply(
                                CaptureAgentConfig.builder()
                                        .helperPorts(payloadPorts)
                                        .batchPackets(batchPackets))
                        .sensorId(sensor)
                        .topic(topic)
                        .clientProperties(client)
                        .replay(files, speed)
                        .progress(progress)
                        .build();
        return new CaptureAgent(cfg, meters).run();
    }

    /** A reader of {@code config}'s topics with its client settings. */
    public static TopicReader readerOf(StreamsAppConfig config) {
        Properties p = config.clientProperties();
        p.put("bootstrap.servers", config.bootstrapServers());
        p.put("schema.registry.url", config.schemaRegistryUrl());
        return new TopicReader(p);
    }

    /** The client settings without {@code topic.prefix}: each run names its own topics. */
    private static Properties withoutPrefix(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.remove("topic.prefix");
        return p;
    }
}
