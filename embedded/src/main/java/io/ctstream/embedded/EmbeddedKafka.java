package io.ctstream.embedded;

import io.ctstream.embedded.process.ChildJvm;
import io.ctstream.embedded.process.ChildServer;
import io.ctstream.embedded.process.DataDirs;
import io.ctstream.embedded.process.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) in a child JVM, through Kafka's
 * supported entry points: the storage tool formats the data directory once, then {@code
 * kafka.Kafka} runs the server. The child's class path is this JVM's, so it works under surefire
 * and from the launcher's shaded jar alike.
 *
 * <p>Data directory layout: {@code server.properties} and {@code logback.xml} (rewritten on every
 * start), {@code kafka.log} (the child's output, WARN and above), {@code kraft/} (the log
 * directory). A given directory is formatted only when it holds no {@code meta.properties}, so its
 * data survive restarts of the process and of this object.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int NODE_ID = 1;

    private final Path dataDir;
    private final boolean temporary;
    private final int requestedBrokerPort;
    private final List<String> jvmArgs;
    private int brokerPort;
    private int controllerPort;
    private final ChildServer server;
    private Admin admin;

    /** A broker on free ports with a temporary data directory (deleted by {@link #close()}). */
    public EmbeddedKafka() {
        this(null, 0);
    }

    /**
     * @param dataDir where the broker keeps its data; {@code null} for a temporary directory
     * @param brokerPort the client port on 127.0.0.1; 0 for a free one
     */
    public EmbeddedKafka(Path dataDir, int brokerPort) {
        this(dataDir, brokerPort, List.of("-Xms128m", "-Xmx1g"));
    }

    public EmbeddedKafka(Path dataDir, int brokerPort, List<String> jvmArgs) {
        this.temporary = dataDir == null;
        this.dataDir = DataDirs.createOrTemp(dataDir, "ctstream-kafka-");
        this.requestedBrokerPort = brokerPort;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.server =
                new ChildServer(
                        "Kafka", brokerPort != 0, STOP_GRACE, Timeouts.ready(), new Lifecycle());
    }

    /** This server's steps of the shared child-JVM lifecycle. */
    private final class Lifecycle implements ChildServer.Server {
        @Override
        public void choosePorts() {
            brokerPort = FreePorts.orFree(requestedBrokerPort);
            controllerPort = FreePorts.pick();
        }

        @Override
        public ChildJvm launch() {
            return launchChild();
        }

        @Override
        public void awaitReady(long deadlineNanos) throws InterruptedException {
            awaitServing(deadlineNanos);
        }
    }

    /** Formats the storage if needed, starts the broker and waits until it answers. Idempotent. */
    public synchronized EmbeddedKafka start() {
        long t0 = System.nanoTime();
        if (server.start()) {
            log.info(
                    "Kafka ready at {} in {} ms (pid {}, data {})",
                    bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                    server.child().pid(),
                    dataDir);
        }
        return this;
    }

    private ChildJvm launchChild() {
        Path serverProperties = writeServerProperties();
        Path logback = DataDirs.writeWarnLogbackConfig(dataDir);
        if (!Files.exists(logDir().resolve("meta.properties"))) {
            format(serverProperties, logback);
        }
        return ChildJvm.start(
                "kafka",
                ChildJvm.currentClassPath(),
                childJvmArgs(logback),
                "kafka.Kafka",
                List.of(serverProperties.toString()),
                logFile());
    }

    /** {@code 127.0.0.1:port} of the broker; valid once started, and stable across restarts. */
    public synchronized String bootstrapServers() {
        if (brokerPort == 0) {
            throw new IllegalStateException("Kafka has not been started");
        }
        return "127.0.0.1:" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The broker's process while it runs (tests check that it ends with its parent). */
    public synchronized ProcessHandle process() {
        return server.child().handle();
    }

    public synchronized boolean isRunning() {
        return server.isRunning();
    }

    /** Graceful shutdown (SIGTERM, the broker flushes and closes its logs), forcible after 30 s. */
    public synchronized void stop() {
        closeAdmin();
        server.stop();
    }

    /**
     * SIGKILL: the broker dies without any shutdown, as in a crash. {@link #restart()} recovers it.
     */
    public synchronized void kill() {
        closeAdmin();
        server.kill();
    }

    /** Stops the broker if it runs and starts it again on the same ports with the same data. */
    public synchronized void restart() {
        stop();
        start();
    }

    /**
     * Creates a topic with replication factor 1 and waits until the broker serves every partition.
     */
    public void createTopic(String name, int partitions) {
        try {
            admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
            awaitServed(name, partitions, Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create topic " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * CreateTopics returns once the controller has committed the topic; the broker opens the
     * partitions a moment later. An idempotent producer that sends in between can have its first
     * batch refused (not the leader) and a later one accepted; it then retries the first against an
     * out-of-order sequence until the delivery timeout drops it (KAFKA-15591, seen here as
     * benchmark rounds that stall for two minutes and lose records). ListOffsets is answered by the
     * partition's leader itself, so once it succeeds for every partition no produce request will be
     * refused that way.
     */
    private void awaitServed(String topic, int partitions, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> all = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            all.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                admin().listOffsets(all).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** An admin client on this broker, shared while it runs (closed by stop and kill). */
    public synchronized Admin admin() {
        if (admin == null) {
            admin =
                    Admin.create(
                            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        }
        return admin;
    }

    /** Stops the broker and deletes the data directory if it was temporary. */
    @Override
    public synchronized void close() {
        stop();
        if (temporary) {
            DataDirs.deleteQuietly(dataDir);
        }
    }

    /** No admin client outlives its broker: it would only log reconnection attempts. */
    private void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    private Path logDir() {
        return dataDir.resolve("kraft");
    }

    private Path logFile() {
        return dataDir.resolve("kafka.log");
    }

    private List<String> childJvmArgs(Path logback) {
        List<String> args = new ArrayList<>(jvmArgs);
        args.add("-Djava.awt.headless=true");
        args.add("-Dlogback.configurationFile=" + logback);
        return args;
    }

    private void format(Path serverProperties, Path logback) {
        String clusterId = Uuid.randomUuid().toString();
        ChildJvm tool =
                ChildJvm.start(
                        "kafka-storage-format",
                        ChildJvm.currentClassPath(),
                        childJvmArgs(logback),
                        "kafka.tools.StorageTool",
                        List.of("format", "-t", clusterId, "-c", serverProperties.toString()),
                        logFile());
        int exit = tool.waitFor(Timeouts.ready());
        if (exit != 0) {
            throw new IllegalStateException(
                    "Kafka's storage tool failed (exit "
                            + exit
                            + ") formatting "
                            + logDir()
                            + "\n"
                            + tool.logTail());
        }
    }

    private Path writeServerProperties() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", String.valueOf(NODE_ID));
        // a static single-voter quorum: no endpoint is stored in the data, so ports may change
        // between runs
        p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + brokerPort
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir().toString());
        // one node: every replication factor and min ISR is 1; internal topics get few partitions
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        p.setProperty("num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // no time-based retention: records carry their capture time, and replaying a capture older
        // than the
        // default 7 days would lose records to the retention check (every 5 min) in the middle of
        // the run
        p.setProperty("log.retention.ms", "-1");
        // topics exist only when created explicitly: a typo must not silently create a topic
        p.setProperty("auto.create.topics.enable", "false");
        Path file = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "written by ctstream EmbeddedKafka; rewritten on every start");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /**
     * Waits until the client port accepts TCP connections (so the admin probe does not log
     * refusals), then until the broker reports its node.
     */
    private void awaitServing(long deadline) throws InterruptedException {
        server.await(
                deadline,
                "at " + bootstrapServers(),
                () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), brokerPort),
                                1000);
                        return null;
                    } catch (IOException e) {
                        return "not listening: " + e.getMessage();
                    }
                });
        Map<String, Object> config =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try (Admin probe = Admin.create(config)) {
            server.await(
                    deadline,
                    "at " + bootstrapServers(),
                    () -> {
                        try {
                            return probe.describeCluster()
                                            .nodes()
                                            .get(3, TimeUnit.SECONDS)
                                            .isEmpty()
                                    ? "no nodes yet"
                                    : null;
                        } catch (ExecutionException | TimeoutException e) {
                            return e.toString();
                        }
                    });
        }
    }
}
