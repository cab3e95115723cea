package io.ctstream.launcher;

import io.ctstream.enforcement.agent.EnforcementAgent;
import io.ctstream.enforcement.agent.EnforcementAgentConfig;
import io.ctstream.enforcement.agent.PinholeListener;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.enforcement.hold.HeldPackets;
import io.ctstream.enforcement.hold.HoldQueueException;
import io.ctstream.enforcement.hold.SynHoldQueue;
import io.ctstream.enforcement.nft.NftRuleset;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.metrics.MetricsOptions;
import io.ctstream.launcher.metrics.PrometheusMetrics;
import io.ctstream.launcher.preflight.Preflight;
import io.ctstream.verdict.VerdictKeyring;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ctstream enforce}: runs the enforcement agent of one gateway. */
@Command(
        name = "enforce",
        mixinStandardHelpOptions = true,
        description = {
            "Applies the verdicts of one gateway with nftables (table inet ctstream) and reports each "
                    + "to the enforcement-reports topic. Needs root (CAP_NET_ADMIN) unless --dry-run.",
            "See enforcement-agent/README.md for the table layout and the key file format."
        })
public final class EnforceCommand implements Callable<Integer> {

    @Mixin ClientOptions client;

    @Mixin MetricsOptions metricsOptions;

    @Option(
            names = "--gateway",
            required = true,
            paramLabel = "ID",
            description = "This gateway's id (verdicts are keyed by it).")
    String gatewayId;

    @Option(
            names = "--keys",
            required = true,
            paramLabel = "FILE",
            description = "Key file: lines 'key.<gateway>.<keyId> = <base64 secret>' (see README).")
    Path keys;

    @Option(names = "--dry-run", description = "Print the nft commands instead of running them.")
    boolean dryRun;

    @Option(
            names = "--nft-command",
            paramLabel = "CMD",
            defaultValue = "nft",
            description =
                    "How to run nft, split on spaces, e.g. 'ip netns exec gw nft' (default: ${DEFAULT-VALUE}).")
    String nftCommand;

    @Option(
            names = "--table",
            defaultValue = "ctstream",
            description = "nft table name in family inet (default: ${DEFAULT-VALUE}).")
    String table;

    @Option(
            names = "--priority",
            defaultValue = "" + NftRuleset.DEFAULT_PRIORITY,
            description =
                    "Priority of the base chains (default: ${DEFAULT-VALUE}, before the usual filter chains).")
    int priority;

    @Option(
            names = "--allow-mark",
            defaultValue = "0x10000000",
            paramLabel = "MARK",
            description =
                    "Mark bit(s) OR-ed into allowed packets, for the gateway's own chains; 0 for none (default: ${DEFAULT-VALUE}).")
    String allowMark;

    @Option(
            names = "--hooks",
            defaultValue = "forward,input",
            split = ",",
            description = "Hooks to attach the base chains to (default: ${DEFAULT-VALUE}).")
    List<String> hooks;

    @Option(
            names = "--max-ttl",
            defaultValue = "86400",
            paramLabel = "SECONDS",
            description = "Longest TTL of a BLOCK (default: ${DEFAULT-VALUE}).")
    int maxTtl;

    @Option(
            names = "--min-src-prefix-v4",
            defaultValue = "24",
            description = "Widest IPv4 source prefix of a BLOCK (default: /${DEFAULT-VALUE}).")
    int minPrefixV4;

    @Option(
            names = "--min-src-prefix-v6",
            defaultValue = "64",
            description = "Widest IPv6 source prefix of a BLOCK (default: /${DEFAULT-VALUE}).")
    int minPrefixV6;

    @Option(
            names = "--max-allow-ttl",
            defaultValue = "3600",
            paramLabel = "SECONDS",
            description = "Longest TTL of an ALLOW (default: ${DEFAULT-VALUE}).")
    int maxAllowTtl;

    @Option(
            names = "--min-allow-src-prefix-v4",
            defaultValue = "32",
            description =
                    "Widest IPv4 source prefix of an ALLOW (default: /${DEFAULT-VALUE}, one host, as a kernel expectation).")
    int minAllowPrefixV4;

    @Option(
            names = "--min-allow-src-prefix-v6",
            defaultValue = "128",
            description = "Widest IPv6 source prefix of an ALLOW (default: /${DEFAULT-VALUE}).")
    int minAllowPrefixV6;

    @Option(
            names = "--wildcard-source",
            description =
                    "Accept ALLOWs without a source address (IRC DCC offers; the policy's wildcardSource). Default: refused.")
    boolean wildcardSource;

    @Option(
            names = "--no-wildcard-source",
            hidden = true,
            description = "The default since issue 18; kept for old scripts.")
    boolean noWildcardSource;

    @Option(
            names = "--clock-skew",
            defaultValue = "5",
            paramLabel = "SECONDS",
            description =
                    "How long after expiresAt a verdict is still accepted (default: ${DEFAULT-VALUE}).")
    int clockSkew;

    @Option(
            names = "--hold-queue",
            defaultValue = "-1",
            paramLabel = "N",
            description =
                    "Hold the first packets of new connections that the gateway's policy marks for the hold and "
                            + "queues to netfilter queue N (see README: SYN hold), until their pinhole is applied or --hold-millis "
                            + "has passed. Default: off.")
    int holdQueue;

    @Option(
            names = "--hold-millis",
            defaultValue = "900",
            paramLabel = "MS",
            description =
                    "Longest hold of a first packet before it is dropped (default: ${DEFAULT-VALUE}, under the "
                            + "client's 1 s SYN retransmission).")
    long holdMillis;

    @Option(
            names = "--hold-netns",
            paramLabel = "PATH",
            description =
                    "Network namespace of the gateway's queue (e.g. /var/run/netns/gw); default: the agent's own.")
    String holdNetns;

    @Option(
            names = "--group-id",
            description = "Consumer group (default: <prefix>ctstream-enforcement-<gateway>).")
    String groupId;

    @Override
    public Integer call() throws Exception {
        // the key file first (KeyringException names the file and line), then the services, then
        // the agent
        Preflight.readableFile("--keys", keys);
        VerdictKeyring keyring = VerdictKeyring.load(keys);
        if (!keyring.hasGateway(gatewayId)) {
            throw UserException.usage(
                    "--keys "
                            + keys
                            + ": the key file has no key for gateway "
                            + gatewayId
                            + " (it has "
                            + keyring.gateways()
                            + "): every verdict would be refused");
        }
        try {
            Long.decode(allowMark);
        } catch (NumberFormatException e) {
            throw UserException.usage(
                    "--allow-mark: not a number: '" + allowMark + "' (e.g. 0x10000000)", e);
        }
        if (holdQueue > 65535 || holdQueue < -1) {
            throw UserException.usage(
                    "--hold-queue must be a netfilter queue number 0-65535: " + holdQueue);
        }
        if (holdQueue >= 0 && holdMillis < 1) {
            throw UserException.usage("--hold-millis must be >= 1: " + holdMillis);
        }
        limits(); // a bad limit is an error before the broker is asked anything
        client.requireReachable();
        try (PrometheusMetrics metrics = metricsOptions.start()) {
            return run(metrics.registry(), keyring);
        }
    }

    /**
     * The gate's limits from the options; a value out of range is a user error naming the options.
     */
    GateLimits limits() {
        if (wildcardSource && noWildcardSource) {
            throw UserException.usage(
                    "--wildcard-source and --no-wildcard-source contradict each other");
        }
        try {
            return new GateLimits(
                    maxTtl,
                    minPrefixV4,
                    minPrefixV6,
                    wildcardSource,
                    GateLimits.PORT_PROTOCOLS,
                    Duration.ofSeconds(clockSkew),
                    1_000_000,
                    maxAllowTtl,
                    minAllowPrefixV4,
                    minAllowPrefixV6);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(
                    "--max-ttl, --max-allow-ttl, --min-(allow-)src-prefix-v4/-v6: "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The SYN hold, when {@code --hold-queue} is set; a queue that cannot be bound is a user error.
     */
    private SynHoldQueue openHold(MeterRegistry meters) {
        if (holdQueue < 0) {
            return null;
        }
        try {
            return SynHoldQueue.open(
                    holdQueue,
                    holdNetns,
                    new HeldPackets(holdMillis, 2_000, 65_536),
                    meters,
                    gatewayId);
        } catch (HoldQueueException e) {
            throw UserException.usage("--hold-queue " + holdQueue + ": " + e.getMessage(), e);
        }
    }

    private int run(MeterRegistry meters, VerdictKeyring keyring) throws Exception {
        try (SynHoldQueue hold = openHold(meters)) {
            return run(meters, keyring, hold);
        }
    }

    private int run(MeterRegistry meters, VerdictKeyring keyring, SynHoldQueue hold)
            throws Exception {
        EnforcementAgentConfig config =
                EnforcementAgentConfig.builder()
                        .gatewayId(gatewayId)
                        .keyring(keyring)
                        .kafka(withRequired(client))
                        .topicPrefix(client.topicPrefix())
                        .groupId(groupId)
                        .limits(limits())
                        .ruleset(new NftRuleset(table, priority, Long.decode(allowMark), hooks))
                        .nftCommand(Arrays.asList(nftCommand.trim().split("\\s+")))
                        .dryRun(dryRun)
                        .meterRegistry(meters)
                        .pinholeListener(hold == null ? PinholeListener.NONE : hold)
                        .build();
        EnforcementAgent agent = new EnforcementAgent(config);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            agent.close();
                            try {
                                done.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "enforce-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.run();
        } finally {
            done.countDown();
            printSummary(meters);
        }
        return 0;
    }

    private static Properties withRequired(ClientOptions client) {
        client.requireBootstrapServers();
        client.requireSchemaRegistryUrl();
        return client.properties();
    }

    private static void printSummary(MeterRegistry meters) {
        for (Meter m : meters.getMeters()) {
            if (m.getId().getName().startsWith("ctstream.enforcement.outcomes")
                    || m.getId().getName().startsWith("ctstream.enforcement.verdicts")) {
                m.measure()
                        .forEach(
                                ms ->
                                        System.err.println(
                                                m.getId().getName()
                                                        + m.getId().getTags()
                                                        + " = "
                                                        + ms.getValue()));
            }
        }
    }
}
