package io.ctstream.launcher;

import io.ctstream.avro.HelperMode;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.metrics.PrometheusMetrics;
import io.ctstream.launcher.preflight.Preflight;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.ftp.FtpHelper;
import io.ctstream.streams.helper.irc.IrcHelper;
import io.ctstream.streams.helper.tftp.TftpHelper;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.streams.sensors.SensorTopics;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ctstream streams}: one streams-app instance, until Ctrl-C. */
@Command(
        name = "streams",
        mixinStandardHelpOptions = true,
        description =
                "Runs a streams-app instance (connection tracking, helpers, matching, query API) until Ctrl-C.")
public final class StreamsCommand implements Callable<Integer> {

    @Mixin ClientOptions client;

    @Option(
            names = "--application-id",
            defaultValue = "ctstream",
            description = "Kafka Streams application id (default ctstream).")
    String applicationId;

    @Option(
            names = "--state-dir",
            description = "Where the state stores live (default: Kafka Streams' own).")
    Path stateDir;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default 1).")
    int threads;

    @Option(
            names = "--standby-replicas",
            defaultValue = "0",
            description = "Standby replicas of each store (default 0).")
    int standbys;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of topics created when missing (default 4).")
    int partitions;

    @Option(
            names = "--query-host",
            defaultValue = "127.0.0.1",
            description =
                    "Host the query API advertises to the other instances (and binds, unless --query-bind).")
    String queryHost;

    @Option(
            names = "--query-bind",
            paramLabel = "ADDRESS",
            description =
                    "Address the query API binds when it differs from --query-host (e.g. 0.0.0.0 behind NAT).")
    String queryBind;

    @Option(
            names = "--query-token-file",
            paramLabel = "FILE",
            description =
                    "Require 'Authorization: Bearer <token>' on the query API (file mode 600, at least 16 "
                            + "characters; every instance needs the same one).")
    Path queryTokenFile;

    @Option(
            names = "--query-port",
            defaultValue = "8070",
            description = "Query API port (0: any free port, -1: none; default 8070).")
    int queryPort;

    // Unset, these leave the config file's helper.* keys (CONFIGURATION.md), or their defaults, in
    // force.
    @Option(
            names = "--helper-mode",
            description = "robust or kernel (helper.mode; default robust).")
    HelperMode helperMode;

    @Option(
            names = "--ftp-ports",
            split = ",",
            description = "FTP helper ports (helper.ftp.ports; default 21).")
    Set<Integer> ftpPorts;

    @Option(
            names = "--irc-ports",
            split = ",",
            description = "IRC helper ports (helper.irc.ports; default 6667).")
    Set<Integer> ircPorts;

    @Option(
            names = "--tftp-ports",
            split = ",",
            description = "TFTP helper ports, UDP (helper.tftp.ports; default 69).")
    Set<Integer> tftpPorts;

    @Option(
            names = "--policy",
            paramLabel = "FILE",
            description =
                    "Verdict policy (YAML, see streams-app/policy.example.yaml): write signed verdicts. Needs --keys.")
    Path policyFile;

    @Option(
            names = "--keys",
            paramLabel = "FILE",
            description =
                    "HMAC key file that signs the verdicts of every gateway of --policy (enforcement-agent README).")
    Path keyFile;

    @Option(
            names = "--sensor-topics",
            description =
                    "Read one packets topic per sensor, <prefix>packets.<sensor> (same partition count each), and "
                            + "take each packet's sensor from its topic, not from the record (SECURITY.md: sensor identity).")
    boolean sensorTopics;

    @Option(
            names = "--at-least-once",
            description = "Use at-least-once instead of exactly-once v2.")
    boolean atLeastOnce;

    @Override
    public Integer call() throws Exception {
        if ((policyFile == null) != (keyFile == null)) {
            throw UserException.usage(
                    "--policy and --keys go together: verdicts are only written signed");
        }
        Preflight.atLeast("--threads", threads, 1);
        Preflight.atLeast("--partitions", partitions, 1);
        VerdictPolicy policy = null;
        Preflight.readableFile("--policy", policyFile);
        Preflight.readableFile("--keys", keyFile);
        if (policyFile != null) {
            // PolicyException and KeyringException name the file and the field or line: the error
            // handler prints them
            policy = VerdictPolicy.load(policyFile, keyFile);
        }
        String queryToken = Preflight.secretFile("--query-token-file", queryTokenFile);
        // the file's and --set's keys, then the helper options over them: all checked before Kafka
        // is tried
        HelperConfig helpers =
                helperOptions(client.config().bindStreams(StreamsAppConfig.builder()).helpers());
        client.requireReachable();
        StreamsAppConfig config =
                client.config()
                        .bindStreams(StreamsAppConfig.builder())
                        .applicationId(applicationId)
                        .bootstrapServers(client.requireBootstrapServers())
                        .schemaRegistryUrl(client.requireSchemaRegistryUrl())
                        .topicPrefix(client.topicPrefix())
                        .clientProperties(client.properties())
                        .stateDir(stateDir)
                        .streamThreads(threads)
                        .standbyReplicas(standbys)
                        .partitions(partitions)
                        .queryHost(queryHost)
                        .queryBindHost(queryBind)
                        .queryToken(queryToken)
                        .queryPort(queryPort)
                        .exactlyOnce(!atLeastOnce)
                        .sensorTopics(sensorTopics)
                        .policy(policy)
                        .helpers(helpers)
                        .build();
        if (sensorTopics) {
            // a missing or mismatched sensor topic is the deployer's to fix: one line, before
            // anything starts
            try (Admin admin = Admin.create(config.adminConfig())) {
                new SensorTopics(config.topic(Topics.PACKETS)).requireSamePartitions(admin);
            } catch (IllegalStateException e) {
                throw UserException.usage("--sensor-topics: " + e.getMessage(), e);
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // served as GET /metrics on the query port
        PrometheusMetrics metrics = new PrometheusMetrics();
        StreamsApp app = new StreamsApp(config, metrics.registry());
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    app.close();
                                    metrics.close();
                                    stopped.countDown();
                                },
                                "ctstream-streams-shutdown"));
        app.start();
        if (app.queryPort() >= 0) {
            System.out.println("query.url=http://" + queryHost + ":" + app.queryPort());
        }
        stopped.await();
        return 0;
    }

    /** The helper options given on the command line over the config's. */
    private HelperConfig helperOptions(HelperConfig fromConfig) {
        HelperConfig.Builder h = fromConfig.toBuilder();
        if (helperMode != null) {
            h.mode(helperMode);
        }
        if (ftpPorts != null) {
            h.policy(new FtpHelper(), p -> p.toBuilder().ports(ftpPorts).build());
        }
        if (ircPorts != null) {
            h.policy(new IrcHelper(), p -> p.toBuilder().ports(ircPorts).build());
        }
        if (tftpPorts != null) {
            h.policy(new TftpHelper(), p -> p.toBuilder().ports(tftpPorts).build());
        }
        try {
            return h.build();
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
    }
}
