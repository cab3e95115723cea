package io.ctstream.launcher.verdict;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.launcher.ClientOptions;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.preflight.Preflight;
import io.ctstream.schemas.Topics;
import io.ctstream.verdict.VerdictKeyring;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code verdict block|allow|revoke}: checks everything it can before touching Kafka (options, key
 * file, scope, the gate's limits), then publishes one signed verdict per gateway in one transaction
 * and prints each verdict id.
 */
public abstract class IssueCommand implements Callable<Integer> {

    @Mixin ClientOptions client;

    @Mixin OperatorOptions op;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    abstract VerdictAction action();

    /** The TTL option's text, or null for REVOKE. */
    abstract String ttl();

    @Override
    public Integer call() {
        List<Verdict> verdicts = verdicts(System.currentTimeMillis() * 1000);
        client.requireReachable(Topics.name(client.topicPrefix(), Topics.VERDICTS));
        String prefix = client.topicPrefix();
        OperatorPublisher publisher =
                new OperatorPublisher(
                        client.properties(),
                        Topics.name(prefix, Topics.VERDICTS),
                        Topics.name(prefix, Topics.OPERATOR_AUDIT),
                        Topics.name(prefix, Topics.ALERTS));
        // a retry can only find its first copy while that could still matter: the validity window
        // plus the TTL
        long lookBack = (op.validFor + (long) Math.max(op.gateMaxTtl, 0) + 600) * 1000L;
        OperatorPublisher.Outcome outcome =
                publisher.publish(verdicts, op.user, op.reason, lookBack);
        PrintWriter out = spec.commandLine().getOut();
        outcome.published()
                .forEach(
                        v ->
                                out.println(
                                        "published "
                                                + v.getAction()
                                                + " "
                                                + v.getVerdictId()
                                                + " for "
                                                + v.getGatewayId()
                                                + " (key "
                                                + v.getKeyId()
                                                + ")"));
        outcome.alreadyThere()
                .forEach(
                        v ->
                                out.println(
                                        "already published "
                                                + v.getVerdictId()
                                                + " for "
                                                + v.getGatewayId()
                                                + ": nothing changed"));
        out.flush();
        return 0;
    }

    /** The signed verdicts, or a {@link UserException}: nothing here touches Kafka. */
    List<Verdict> verdicts(long nowMicros) {
        VerdictMatch match = OperatorMatch.of(op.src, op.dst, op.proto, op.port);
        int ttlSeconds = ttl() == null ? 0 : OperatorOptions.seconds("--ttl", ttl());
        if (op.validFor <= 0) {
            throw UserException.usage("--valid-for must be > 0 seconds");
        }
        Preflight.readableFile("--keys", op.keys);
        VerdictKeyring keyring = VerdictKeyring.load(op.keys);
        GateLimits defaults = GateLimits.defaults();
        GateLimits limits;
        try {
            limits =
                    new GateLimits(
                            op.gateMaxTtl,
                            defaults.minSrcPrefixV4(),
                            defaults.minSrcPrefixV6(),
                            defaults.allowWildcardSource(),
                            defaults.protocols(),
                            defaults.clockSkew(),
                            1,
                            op.gateMaxAllowTtl,
                            defaults.minAllowSrcPrefixV4(),
                            defaults.minAllowSrcPrefixV6());
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--gate-max-ttl / --gate-max-allow-ttl: " + e.getMessage());
        }
        OperatorVerdicts.Request request =
                new OperatorVerdicts.Request(
                        op.gateways,
                        action(),
                        match,
                        ttlSeconds,
                        op.reason,
                        op.keyId,
                        op.user,
                        op.requestId);
        return new OperatorVerdicts(keyring, limits)
                .build(request, nowMicros, op.validFor * 1_000_000L);
    }

    @Command(
            name = "block",
            mixinStandardHelpOptions = true,
            description =
                    "Blocks traffic from --src (to --dst and --port, if given) on the gateways for --ttl.")
    public static final class Block extends IssueCommand {
        @Option(
                names = "--ttl",
                required = true,
                paramLabel = "DURATION",
                description = "How long, e.g. 600, 30m, 1h.")
        String ttl;

        @Override
        VerdictAction action() {
            return VerdictAction.BLOCK;
        }

        @Override
        String ttl() {
            return ttl;
        }
    }

    @Command(
            name = "allow",
            mixinStandardHelpOptions = true,
            description =
                    "Opens --src to --dst --port on the gateways for --ttl; as narrow as a policy pinhole "
                            + "(one source host, one destination host, one port).")
    public static final class Allow extends IssueCommand {
        @Option(
                names = "--ttl",
                required = true,
                paramLabel = "DURATION",
                description = "How long, e.g. 600, 30m, 1h.")
        String ttl;

        @Override
        VerdictAction action() {
            return VerdictAction.ALLOW;
        }

        @Override
        String ttl() {
            return ttl;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description =
                    "Removes, before its TTL, every rule the match denotes on the gateways: an operator's "
                            + "BLOCK or ALLOW, or a policy pinhole.")
    public static final class Revoke extends IssueCommand {
        @Override
        VerdictAction action() {
            return VerdictAction.REVOKE;
        }

        @Override
        String ttl() {
            return null;
        }
    }
}
