package io.ctstream.launcher.verdict;

import io.ctstream.launcher.errors.UserException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * What every {@code verdict block|allow|revoke} takes: where, what, how long, why, and with which
 * key.
 */
public final class OperatorOptions {

    @Option(
            names = "--gateway",
            required = true,
            paramLabel = "ID",
            split = ",",
            description = "Gateway(s) the verdict is for (repeat or comma-separate).")
    List<String> gateways;

    @Option(names = "--src", paramLabel = "ADDR[/LEN]", description = "Source address or prefix.")
    String src;

    @Option(names = "--dst", paramLabel = "ADDR", description = "Destination address.")
    String dst;

    @Option(
            names = "--proto",
            defaultValue = "tcp",
            description = "tcp, udp, sctp or dccp (default: ${DEFAULT-VALUE}).")
    String proto;

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "Destination port (BLOCK/REVOKE: leave out for every port).")
    String port;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            description = "Why: shown by 'verdict list' and kept in the audit topic.")
    String reason;

    @Option(
            names = "--keys",
            required = true,
            paramLabel = "FILE",
            description =
                    "Key file with the operator's scoped key (enforcement-agent/README.md: key scopes).")
    Path keys;

    @Option(
            names = "--key-id",
            required = true,
            paramLabel = "ID",
            description =
                    "The operator key that signs (it must have a scope line; never the policy's key).")
    String keyId;

    @Option(
            names = "--user",
            paramLabel = "NAME",
            description = "Who is acting (default: the login name).")
    String user = System.getProperty("user.name");

    @Option(
            names = "--request-id",
            paramLabel = "TEXT",
            description =
                    "Makes the verdict id differ from an earlier identical command's (to issue it again "
                            + "on purpose); the same command with the same --request-id is the same verdict.")
    String requestId;

    @Option(
            names = "--gate-max-ttl",
            defaultValue = "86400",
            paramLabel = "SECONDS",
            description =
                    "The gateways' --max-ttl (default: ${DEFAULT-VALUE}); a longer TTL is refused here.")
    int gateMaxTtl;

    @Option(
            names = "--gate-max-allow-ttl",
            defaultValue = "3600",
            paramLabel = "SECONDS",
            description =
                    "The gateways' --max-allow-ttl (default: ${DEFAULT-VALUE}); a longer ALLOW is refused here.")
    int gateMaxAllowTtl;

    @Option(
            names = "--valid-for",
            defaultValue = "60",
            paramLabel = "SECONDS",
            description =
                    "How long after signing the agents still accept the verdict (default: ${DEFAULT-VALUE}).")
    int validFor;

    /** "90", "90s", "30m", "1h", "2d" in seconds; a clear error otherwise. */
    static int seconds(String option, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int unit = 1;
        if (!t.isEmpty() && "smhd".indexOf(t.charAt(t.length() - 1)) >= 0) {
            unit =
                    switch (t.charAt(t.length() - 1)) {
                        case 'm' -> 60;
                        case 'h' -> 3600;
                        case 'd' -> 86400;
                        default -> 1;
                    };
            t = t.substring(0, t.length() - 1);
        }
        long n;
        try {
            n = Long.parseLong(t) * unit;
        } catch (NumberFormatException e) {
            throw UserException.usage(
                    option + " " + text + ": not a duration (e.g. 90, 90s, 30m, 1h, 2d)");
        }
        if (n <= 0 || n > Integer.MAX_VALUE) {
            throw UserException.usage(option + " " + text + ": must be positive");
        }
        return (int) n;
    }
}
