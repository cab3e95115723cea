package io.ctstream.launcher;

import ch.qos.logback.classic.Level;
import io.ctstream.embedded.EmbeddedStack;
import io.ctstream.launcher.demo.DemoRun;
import io.ctstream.launcher.demo.DemoSummary;
import io.ctstream.launcher.demo.LiveDemo;
import io.ctstream.launcher.lab.LabException;
import io.ctstream.launcher.metrics.PrometheusMetrics;
import io.ctstream.launcher.preflight.Preflight;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctstream demo}: the main job on the embedded default. Replays the bundled lab captures
 * through the whole pipeline (capture agent → streams-app with a demo policy and generated keys →
 * signed verdicts → a dry-run enforcement agent), prints what happened and where to look, and ends
 * after the replay unless {@code --keep-running}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Replays the bundled traffic-lab captures (testdata/lab) through the real pipeline with a demo "
                    + "policy, a dry-run enforcement agent and the query API, and prints a summary: connections by state, "
                    + "expectations, alerts, verdicts, enforcement reports.",
            "Without --bootstrap-servers it starts an embedded Kafka and schema registry for the run."
        })
public final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--captures",
            paramLabel = "DIR",
            description =
                    "Directory of the captures to replay (default: testdata/lab of the repository).")
    Path capturesDir;

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            description =
                    "Replay only this scenario (file name without .pcap); repeatable. Default: every capture.")
    List<String> scenarios = new ArrayList<>();

    @Option(
            names = "--query-port",
            defaultValue = "8070",
            paramLabel = "PORT",
            description = "Query API port (0: any free port; default ${DEFAULT-VALUE}).")
    int queryPort;

    @Option(names = "--no-enforcement", description = "Do not run the dry-run enforcement agent.")
    boolean noEnforcement;

    @Option(
            names = "--keep-running",
            description = "Stay up after the replay (query API, Kafka) until Ctrl-C.")
    boolean keepRunning;

    @Option(
            names = "--live",
            description = {
                "Instead of replaying: the live gateway lab (root; iproute2, nftables, "
                        + "ethtool, vsftpd, curl). Namespaces <prefix>-client, -gw, -server; real FTP transfers through ctstream's "
                        + "pinholes, with their time-to-pinhole."
            })
    boolean live;

    @Option(
            names = "--lab-prefix",
            defaultValue = "ctdemo",
            paramLabel = "PREFIX",
            description =
                    "Namespace name prefix of --live (default ${DEFAULT-VALUE}); leftovers with it are removed first.")
    String labPrefix;

    @Option(
            names = "--transfers",
            defaultValue = "2",
            paramLabel = "N",
            description =
                    "With --live: FTP transfers through the pinholes, PORT and PASV in turn, the first right after "
                            + "start (default ${DEFAULT-VALUE}); the summary gives their time to pinhole p50/p99 and the data "
                            + "connections' SYN retransmissions.")
    int transfers;

    @Option(
            names = "--verbose",
            description = "Show the components' INFO logs (default: warnings only).")
    boolean verbose;

    @Mixin ClientOptions client;

    @Spec CommandSpec spec;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        if (!verbose) {
            root.setLevel(
                    Level.WARN); // the summary is the output; the components' INFO lines would
            // bury it
        }
        try {
            return demo();
        } finally {
            root.setLevel(level);
        }
    }

    private int demo() throws Exception {
        if (live) {
            return withKafka(this::runLive);
        }
        List<Path> captures;
        try {
            captures =
                    selected(
                            DemoRun.capturesIn(
                                    capturesDir != null ? capturesDir : defaultCaptures()));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("ctstream demo: " + e.getMessage());
            return 2;
        }
        Preflight.captureFiles(
                captures); // --captures DIR may hold anything: refused by name before the broker
        // starts
        return withKafka((bootstrap, registry) -> replay(bootstrap, registry, captures));
    }

    /** What runs against a broker and a registry. */
    private interface KafkaJob {
        int run(String bootstrapServers, String schemaRegistryUrl) throws Exception;
    }

    /**
     * The client settings of the run: --config's (TLS, SASL, registry auth) on a given broker, none
     * on the embedded one.
     */
    private Properties clientProperties(String bootstrap, String registry) {
        Properties p =
                client.properties().getProperty("bootstrap.servers") != null
                        ? client.properties()
                        : new Properties();
        p.remove("topic.prefix"); // passed on as the demo's own prefix
        p.put("bootstrap.servers", bootstrap);
        p.put("schema.registry.url", registry);
        return p;
    }

    /**
     * Runs {@code job} on --bootstrap-servers, or on an embedded broker and registry started for
     * it.
     */
    private int withKafka(KafkaJob job) throws Exception {
        String bootstrap = client.properties().getProperty("bootstrap.servers");
        if (bootstrap != null) {
            client.requireReachable(); // names the address within --connect-timeout, before
            // anything starts
            return job.run(bootstrap, client.requireSchemaRegistryUrl());
        }
        out.println("starting an embedded Kafka broker and schema registry ...");
        try (EmbeddedStack stack = new EmbeddedStack().start()) {
            EmbeddedRegistryDefaults.apply(stack.schemaRegistryUrl());
            return job.run(stack.bootstrapServers(), stack.schemaRegistryUrl());
        }
    }

    private int replay(String bootstrap, String registry, List<Path> captures) throws Exception {
        DemoRun.Options options =
                new DemoRun.Options(
                        captures,
                        queryPort,
                        !noEnforcement,
                        client.topicPrefix(),
                        client.config()::bindStreams);
        // a Prometheus registry: the query server then serves the meters as GET /metrics
        try (PrometheusMetrics metrics = new PrometheusMetrics();
                DemoRun demo =
                        new DemoRun(
                                clientProperties(bootstrap, registry),
                                options,
                                metrics.registry(),
                                out)) {
            out.println(
                    "starting streams-app (policy for gateway "
                            + DemoRun.GATEWAY_ID
                            + ", generated keys)"
                            + (noEnforcement ? "" : " and a dry-run enforcement agent")
                            + " ...");
            demo.start();
            out.println(
                    "replaying " + captures.size() + " captures in the order they were recorded:");
            demo.replay();
            out.println("waiting for the pipeline to settle ...");
            DemoSummary summary = demo.settleAndSummarize(Duration.ofMinutes(3));
            out.println();
            out.println("summary:");
            summary.print(out);
            out.println();
            demo.printWhereToLook();
            awaitCtrlCIfKeepRunning(demo);
            return summary.connections() > 0 ? 0 : 1;
        }
    }

    private int runLive(String bootstrap, String registry) throws Exception {
        LiveDemo demo = new LiveDemo(out, labPrefix, queryPort, client.topicPrefix(), transfers);
        try {
            boolean ok = demo.run(bootstrap, registry);
            awaitCtrlCIfKeepRunning(demo);
            return ok ? 0 : 1;
        } catch (LabException e) {
            spec.commandLine().getErr().println("ctstream demo --live: " + e.getMessage());
            return 2;
        } finally {
            demo.close();
        }
    }

    /**
     * With --keep-running, waits for Ctrl-C; the shutdown hook closes {@code resources} itself (the
     * JVM does not wait for this thread's finally blocks), so the live lab's namespaces never
     * outlive us.
     */
    private void awaitCtrlCIfKeepRunning(AutoCloseable resources) throws InterruptedException {
        if (!keepRunning) {
            return;
        }
        out.println("running; Ctrl-C stops");
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        resources.close();
                                    } catch (Exception e) {
                                        System.err.println("ctstream demo: stopping: " + e);
                                    }
                                    stop.countDown();
                                },
                                "ctstream-demo-shutdown"));
        stop.await();
    }

    private List<Path> selected(List<Path> all) {
        if (scenarios.isEmpty()) {
            return all;
        }
        List<Path> chosen = new ArrayList<>();
        for (String s : scenarios) {
            Path p =
                    all.stream()
                            .filter(
                                    f ->
                                            f.getFileName()
                                                    .toString()
                                                    .replaceAll("\\.pcap(ng)?$", "")
                                                    .equals(s))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "no capture for scenario '"
                                                            + s
                                                            + "' (have "
                                                            + all.stream()
                                                                    .map(
                                                                            f ->
                                                                                    f.getFileName()
                                                                                            .toString())
                                                                    .toList()
                                                            + ")"));
            chosen.add(p);
        }
        return all.stream().filter(chosen::contains).toList(); // still in recording order
    }

    /** testdata/lab of the repository: the ctstream script passes its root as ctstream.home. */
    static Path defaultCaptures() {
        String home = System.getProperty("ctstream.home");
        return (home != null ? Path.of(home) : Path.of("")).resolve("testdata").resolve("lab");
    }
}
