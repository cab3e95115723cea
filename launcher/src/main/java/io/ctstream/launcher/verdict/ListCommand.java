package io.ctstream.launcher.verdict;

import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.enforcement.report.RulesInForce;
import io.ctstream.launcher.ClientOptions;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.preflight.Preflight;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import io.ctstream.verdict.ReportSigner;
import io.ctstream.verdict.VerdictKeyring;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code verdict list --gateway G}: the rules in force on a gateway, from its enforcement reports.
 */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description =
                "Lists the rules in force on a gateway, built from its agent's enforcement reports (and the "
                        + "verdicts they name): origin (policy or operator), action, match, key id, reason, since and until.")
public final class ListCommand implements Callable<Integer> {

    @Mixin ClientOptions client;

    @Option(names = "--gateway", required = true, paramLabel = "ID", description = "The gateway.")
    String gateway;

    @Option(
            names = "--keys",
            paramLabel = "FILE",
            description =
                    "Key file with the gateway's key: only reports whose signature verifies count (recommended).")
    Path keys;

    @Option(
            names = "--max-ttl",
            defaultValue = "86400",
            paramLabel = "SECONDS",
            description =
                    "The gateway's --max-ttl: how far back to read (default: ${DEFAULT-VALUE}).")
    int maxTtl;

    @Option(
            names = "--query-url",
            paramLabel = "URL",
            description =
                    "Ask a streams-app query API (GET /gateways/<gateway>/rules) instead of reading Kafka; any "
                            + "instance gives the same answer. --keys, --max-ttl and --include-dry-run do not apply: streams-app "
                            + "verifies the reports of its policy's gateways with its own keys.")
    String queryUrl;

    @Option(
            names = "--query-token-file",
            paramLabel = "FILE",
            description = "File with the query API's bearer token (streams --query-token-file).")
    Path queryTokenFile;

    @Option(
            names = "--include-dry-run",
            description = "Count reports of dry-run agents (their rules are not in nft).")
    boolean includeDryRun;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (queryUrl != null) {
            print(
                    spec.commandLine().getOut(),
                    RulesQuery.rules(
                            queryUrl,
                            gateway,
                            Preflight.secretFile("--query-token-file", queryTokenFile)));
            return 0;
        }
        ReportSigner verifier = null;
        if (keys != null) {
            Preflight.readableFile("--keys", keys);
            VerdictKeyring ring = VerdictKeyring.load(keys);
            if (!ring.hasGateway(gateway)) {
                throw UserException.usage(
                        "--gateway "
                                + gateway
                                + ": unknown gateway (the key file has keys for "
                                + ring.gateways()
                                + ")");
            }
            verifier = new ReportSigner(ring);
        }
        if (maxTtl <= 0) {
            throw UserException.usage("--max-ttl must be > 0");
        }
        client.requireReachable();
        String prefix = client.topicPrefix();
        long since = System.currentTimeMillis() - (maxTtl + 600L) * 1000L;
        List<EnforcementReport> reports = new ArrayList<>();
        Map<String, Object> serdeConfig = new HashMap<>();
        client.properties().forEach((k, v) -> serdeConfig.put((String) k, v));
        String reportsTopic = Topics.name(prefix, Topics.REPORTS);
        ReportSigner check = verifier;
        try (SpecificAvroSerde<EnforcementReport> serde =
                AvroSerdes.specific(EnforcementReport.class, serdeConfig, false)) {
            PublishedVerdicts.readRaw(
                    client.properties(),
                    reportsTopic,
                    since,
                    r -> {
                        EnforcementReport report;
                        try {
                            report =
                                    serde.deserializer()
                                            .deserialize(reportsTopic, r.headers(), r.value());
                        } catch (RuntimeException e) {
                            return;
                        }
                        if (report != null
                                && gateway.equals(report.getGatewayId())
                                && (includeDryRun || !report.getDryRun())
                                && (check == null || check.verify(report))) {
                            reports.add(report);
                        }
                    });
        }
        Map<String, Verdict> verdicts = new HashMap<>();
        PublishedVerdicts.read(
                client.properties(),
                Topics.name(prefix, Topics.VERDICTS),
                since,
                r -> {
                    if (gateway.equals(r.value().getGatewayId())) {
                        verdicts.putIfAbsent(r.value().getVerdictId(), r.value());
                    }
                });
        List<RulesInForce.Rule> rules =
                new RulesInForce(5_000_000L)
                        .at(reports, verdicts, System.currentTimeMillis() * 1000);
        print(
                spec.commandLine().getOut(),
                rules.stream()
                        .map(
                                r ->
                                        new Row(
                                                r.origin(),
                                                r.action().name(),
                                                r.match(),
                                                r.keyId(),
                                                r.sinceMicros(),
                                                r.untilMicros(),
                                                r.reason()))
                        .toList());
        return 0;
    }

    /** One line of the listing: a rule in force, from Kafka or from the query API. */
    record Row(
            String origin,
            String action,
            String match,
            String keyId,
            long sinceMicros,
            long untilMicros,
            String reason) {}

    static void print(PrintWriter out, List<Row> rules) {
        out.printf(
                "%-8s %-6s %-44s %-12s %-20s %-20s %s%n",
                "ORIGIN", "ACTION", "MATCH", "KEY", "SINCE", "UNTIL", "REASON");
        for (Row r : rules) {
            out.printf(
                    "%-8s %-6s %-44s %-12s %-20s %-20s %s%n",
                    r.origin(),
                    r.action(),
                    r.match(),
                    r.keyId(),
                    time(r.sinceMicros()),
                    time(r.untilMicros()),
                    r.reason());
        }
        out.printf("%d rule(s) in force%n", rules.size());
        out.flush();
    }

    private static String time(long micros) {
        return Instant.ofEpochSecond(0, micros * 1000).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
