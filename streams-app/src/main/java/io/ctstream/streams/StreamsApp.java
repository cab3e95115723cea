package io.ctstream.streams;

import io.ctstream.avro.Connection;
import io.ctstream.avro.Verdict;
import io.ctstream.registry.CompatibilityCheck;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerializer;
import io.ctstream.streams.clients.WarmableClientSupplier;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.metrics.ConnectionStateGauges;
import io.ctstream.streams.metrics.MetricsRoute;
import io.ctstream.streams.policy.PolicyConfig;
import io.ctstream.streams.policy.TentativePinholes;
import io.ctstream.streams.query.ConnectionQueries;
import io.ctstream.streams.query.ExpectationQueries;
import io.ctstream.streams.query.InstanceRouter;
import io.ctstream.streams.query.QueryServer;
import io.ctstream.streams.rules.GatewayRules;
import io.ctstream.streams.rules.GatewayRulesRoute;
import io.ctstream.streams.sensors.SensorTopics;
import io.ctstream.streams.tracking.ConnectionTrackingProcessor;
import io.ctstream.streams.tracking.LocalConnectionStore;
import io.ctstream.verdict.VerdictSigner;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of streams-app: creates missing topics, checks co-partitioning, runs the
 * {@link ConntrackTopology} and, when configured, the HTTP query server advertised to the other
 * instances as {@code application.server}.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

    /** How often the connections-by-state gauges count the local stores. */
    static final Duration CONNECTION_GAUGES_EVERY = Duration.ofSeconds(5);

    /** Synthetic control sessions of the warm-up (a few hundred ms on a busy 2-core machine). */
    static final int WARMUP_SESSIONS = 300;

    /** Commits the warm-up ticks cause once the instance runs. */
    static final int WARMUP_COMMITS = 3;

    private final StreamsAppConfig config;
    private final MeterRegistry meters;
    private TentativePinholes tentative;

    /**
     * Kafka Streams' clients, kept so that the producers' metadata can be loaded before the first
     * packet.
     */
    private final WarmableClientSupplier clients = new WarmableClientSupplier();

    private Set<String> writtenTopics = Set.of();

    /**
     * Counted down when the warm-up after RUNNING is over (or given up): see {@link #awaitRunning}.
     */
    private final CountDownLatch warmedUp = new CountDownLatch(1);

    private KafkaStreams streams;
    private QueryServer queryServer;
    private GatewayRules gatewayRules;
    private KafkaStreamsMetrics streamsMetrics;
    private ConnectionStateGauges connectionGauges;
    private int queryPort = -1;

    public StreamsApp(StreamsAppConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
    }

    /** Starts the instance; returns once Kafka Streams is started (it may still be rebalancing). */
    public synchronized void start() {
        Properties props = StreamsProperties.build(config, meters);
        int partitions;
        try (Admin admin = Admin.create(config.adminConfig())) {
            partitions =
                    config.sensorTopics()
                            ? new SensorTopics(config.topic(Topics.PACKETS))
                                    .requireSamePartitions(admin)
                            : TopicsSetup.partitions(admin, config.topic(Topics.PACKETS))
                                    .orElse(config.partitions());
            TopicsSetup.ensure(
                    admin,
                    ConntrackTopology.topics(config),
                    partitions,
                    (short) config.replicationFactor());
            TopicsSetup.requireCoPartitioned(admin, ConntrackTopology.coPartitioned(config));
        }
        // the topics whose value schemas this application registers (its own changelogs are private
        // to it)
        CompatibilityCheck.warnIfNone(
                config.serdeConfig(),
                ConntrackTopology.topics(config).stream()
                        .filter(t -> !t.equals(config.topic(Topics.PACKETS)))
                        .toList());
        if (config.queryPort() >= 0) {
            // Bind first so that the advertised port is the real one, then let Streams know it.
            queryServer = null;
            int port = config.queryPort() == 0 ? freePort() : config.queryPort();
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.queryHost() + ":" + port);
            queryPort = port;
        }
        // schemas registered before the first record: the first pinhole after start must not wait
        // for the registry
        tentative = tentativePinholes();
        Topology topology = ConntrackTopology.build(config, meters, true, partitions, tentative);
        writtenTopics = ConntrackTopology.writtenTopics(topology, config.applicationId());
        streams = new KafkaStreams(topology, props, clients);
        // ... nor for class loading and interpreted code: the pinhole path runs once on synthetic
        // sessions first
        Warmup.run(
                new ConnectionTracker(config.conntrack()),
                new ControlChannelAnalyzer(config.helpers()),
                config.policy(),
                WARMUP_SESSIONS);
        streams.setUncaughtExceptionHandler(
                e -> {
                    LOG.error("stream thread failed; replacing it", e);
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                            .REPLACE_THREAD;
                });
        // Kafka Streams' and its clients' own metrics (records-lag-max, commit rates, ...) in the
        // same registry
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        streams.start();
        warmUpCommits();
        // the gauges count the local stores: with or without a query server
        InstanceRouter router =
                queryPort >= 0
                        ? new InstanceRouter(
                                streams,
                                new HostInfo(config.queryHost(), queryPort),
                                config.queryToken())
                        : null;
        ConnectionQueries<TrackedConnection> connections =
                new ConnectionQueries<>(
                        streams,
                        ConnectionTrackingProcessor.CONNECTIONS,
                        TrackedConnection::connection,
                        router);
        connectionGauges =
                new ConnectionStateGauges(connections, meters).start(CONNECTION_GAUGES_EVERY);
        if (queryPort >= 0) {
            ExpectationQueries expectations =
                    new ExpectationQueries(
                            streams, ConnectionTrackingProcessor.LIVE_EXPECTATIONS, router);
            // rules in force per gateway, from the agents' reports: read by every instance, the
            // same on each
            Properties rulesKafka = config.clientProperties();
            rulesKafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            gatewayRules =
                    new GatewayRules(
                                    rulesKafka,
                                    config.topic(Topics.REPORTS),
                                    config.topic(Topics.VERDICTS),
                                    config.serdeConfig(),
                                    config.policy() == null ? null : config.policy().keyring(),
                                    Duration.ofSeconds(PolicyConfig.MAX_TTL_SECONDS)
                                            .plusMinutes(10),
                                    Duration.ofSeconds(5),
                                    () -> System.currentTimeMillis() * 1000)
                            .start();
            GatewayRules rules = gatewayRules;
            queryServer =
                    new QueryServer(
                            connections,
                            expectations,
                            config.queryToken(),
                            javalin -> {
                                GatewayRulesRoute.addTo(javalin, rules);
                                MetricsRoute.addTo(javalin, meters);
                                if (extraRoutes != null) {
                                    extraRoutes.accept(javalin);
                                }
                            });
            queryServer.start(config.queryBindHost(), queryPort);
            LOG.info(
                    "query API on http://{}:{} (bound to {}{})",
                    config.queryHost(),
                    queryPort,
                    config.queryBindHost(),
                    config.queryToken() == null
                            ? ", no authentication"
                            : ", bearer token required");
        }
    }

    /**
     * Once RUNNING, a few commits through warm-up ticks (StreamTimeTicks.warmUp), on a thread of
     * its own.
     */
    private void warmUpCommits() {
        KafkaStreams started = streams;
        Thread t =
                new Thread(
                        () -> {
                            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                            try {
                                while (started.state() != KafkaStreams.State.RUNNING) {
                                    if (System.nanoTime() > deadline
                                            || !started.state().isRunningOrRebalancing()) {
                                        return;
                                    }
                                    Thread.sleep(50);
                                }
                                // the stream threads' producers learn every topic they write now,
                                // not on a first record
                                int loaded = clients.fetchMetadata(writtenTopics);
                                LOG.debug("warm-up: producer metadata of {} topics loaded", loaded);
                                StreamTimeTicks.warmUp(config, WARMUP_COMMITS, 150);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                LOG.warn("warm-up ticks not sent: {}", e.getMessage());
                            } finally {
                                warmedUp.countDown();
                            }
                        },
                        "ctstream-warmup-commits");
        t.setDaemon(true);
        t.start();
    }

    private Consumer<Javalin> extraRoutes;

    /**
     * Every live connection in this instance's own connection stores (the partitions it owns): for
     * {@code analyze}, the demo and tests, so that no other module names the tracker's stores.
     */
    public List<Connection> liveConnections() {
        return LocalConnectionStore.live(streams);
    }

    /** The size of this instance's connection stores, for the bench. */
    public LocalConnectionStore.Size connectionStoreSize() {
        return LocalConnectionStore.size(streams);
    }

    /**
     * Bytes of the connection stores' SST files under a closed instance's state directory, for the
     * bench.
     */
    public static long connectionStoreSstBytes(Path stateDir) {
        return LocalConnectionStore.sstBytes(stateDir);
    }

    /** Routes added to the query server (set before {@link #start()}). */
    public void extraRoutes(Consumer<Javalin> routes) {
        this.extraRoutes = routes;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The query server's port, or -1 when it has none. */
    public int queryPort() {
        return queryPort;
    }

    public StreamsAppConfig config() {
        return config;
    }

    /**
     * Waits until the instance is RUNNING and its warm-up is over; a clear error when it fails or
     * times out.
     */
    public void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("streams-app stopped: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "streams-app not RUNNING after " + timeout + ": " + streams.state());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        // ... and warmed up (producer metadata, first commits), so that a caller who starts traffic
        // now gets its
        // first pinhole as fast as the later ones; a warm-up that fails or lasts too long only logs
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!warmedUp.await(left, TimeUnit.NANOSECONDS)) {
                LOG.warn("streams-app RUNNING, but its warm-up did not finish within {}", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * With a policy and {@code tentativePinholes} on (the default), the producer of the ALLOWs'
     * tentative copies: idempotent, not transactional, no linger — visible to the agents at once
     * ({@link TentativePinholes}).
     */
    private TentativePinholes tentativePinholes() {
        if (config.policy() == null || !config.tentativePinholes()) {
            return null;
        }
        Properties p = config.clientProperties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(
                ProducerConfig.METADATA_MAX_IDLE_CONFIG,
                StreamsProperties.PRODUCER_METADATA_MAX_IDLE_MS);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-tentative-pinholes");
        Serializer<Verdict> values =
                AvroSerdes.specific(Verdict.class, config.serdeConfig(), false).serializer();
        // the schema's id now, not in front of the first pinhole (160 ms on the stream thread in
        // the live lab)
        ((SpecificAvroSerializer<Verdict>) values)
                .schemaId(config.topic(Topics.VERDICTS_TENTATIVE), Verdict.getClassSchema());
        KafkaProducer<String, Verdict> producer =
                new KafkaProducer<>(p, new StringSerializer(), values);
        producer.partitionsFor(
                config.topic(Topics.VERDICTS_TENTATIVE)); // metadata now, not in front of the first
        // pinhole
        return new TentativePinholes(
                producer,
                config.topic(Topics.VERDICTS_TENTATIVE),
                new VerdictSigner(config.policy().keyring()),
                meters);
    }

    @Override
    public synchronized void close() {
        if (connectionGauges != null) {
            connectionGauges.close();
            connectionGauges = null;
        }
        if (queryServer != null) {
            queryServer.close();
            queryServer = null;
        }
        if (gatewayRules != null) {
            gatewayRules.close();
            gatewayRules = null;
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
            streams = null;
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
            streamsMetrics = null;
        }
        if (tentative != null) {
            tentative.close();
            tentative = null;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the query server", e);
        }
    }
}
