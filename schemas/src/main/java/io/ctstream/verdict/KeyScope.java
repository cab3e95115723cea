package io.ctstream.verdict;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictMatch;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What one key may sign (a {@code scope.<gateway>.<keyId>} line of the key file). A key without a
 * scope line is streams-app's policy key and may sign anything the gate's own limits accept; a
 * scoped key (an operator's) is held to its actions, its longest TTL and its widest source
 * prefixes, and may ALLOW only as narrowly as the policy itself does: one source host (never a
 * wildcard or a prefix), one destination host, one port. Operators widen nothing by hand that
 * streams-app would not open from an FTP or IRC announcement.
 *
 * <pre>
 *   scope.gw-lab-1.op-alice = BLOCK,REVOKE,ALLOW max-ttl=3600 min-src-prefix-v4=16 min-src-prefix-v6=48
 * </pre>
 *
 * @param actions actions the key may sign
 * @param maxTtlSeconds longest TTL of an ALLOW or BLOCK it signs
 * @param minSrcPrefixV4 widest IPv4 source prefix of a BLOCK it signs
 * @param minSrcPrefixV6 widest IPv6 source prefix of a BLOCK it signs
 */
public record KeyScope(
        Set<VerdictAction> actions, int maxTtlSeconds, int minSrcPrefixV4, int minSrcPrefixV6) {

    /** Defaults of a scope line's options: one hour, /16 and /48. */
    public static final int DEFAULT_MAX_TTL = 3600;

    public static final int DEFAULT_MIN_PREFIX_V4 = 16;
    public static final int DEFAULT_MIN_PREFIX_V6 = 48;

    public KeyScope {
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("a scope needs at least one action");
        }
        if (maxTtlSeconds <= 0) {
            throw new IllegalArgumentException("max-ttl must be > 0: " + maxTtlSeconds);
        }
        if (minSrcPrefixV4 < 1 || minSrcPrefixV4 > 32) {
            throw new IllegalArgumentException("min-src-prefix-v4 must be 1-32: " + minSrcPrefixV4);
        }
        if (minSrcPrefixV6 < 1 || minSrcPrefixV6 > 128) {
            throw new IllegalArgumentException(
                    "min-src-prefix-v6 must be 1-128: " + minSrcPrefixV6);
        }
        // an unmodifiable EnumSet: declaration order, so messages and reports list the actions the
        // same way every run
        actions = Collections.unmodifiableSet(EnumSet.copyOf(actions));
    }

    /**
     * Parses a scope line's value: a comma-separated action list, then {@code name=value} options
     * separated by spaces. Errors are {@link IllegalArgumentException}s the keyring turns into a
     * file-and-line message.
     */
    public static KeyScope parse(String value) {
        String[] tokens = value.strip().split("\\s+");
        if (tokens.length == 0 || tokens[0].isEmpty()) {
            throw new IllegalArgumentException("expected actions, e.g. 'BLOCK,REVOKE'");
        }
        Set<VerdictAction> actions = EnumSet.noneOf(VerdictAction.class);
        for (String a : tokens[0].split(",")) {
            try {
                actions.add(VerdictAction.valueOf(a.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown action '" + a + "' (ALLOW, BLOCK, REVOKE)");
            }
        }
        int ttl = DEFAULT_MAX_TTL;
        int v4 = DEFAULT_MIN_PREFIX_V4;
        int v6 = DEFAULT_MIN_PREFIX_V6;
        for (int i = 1; i < tokens.length; i++) {
            int eq = tokens[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected name=value, got '" + tokens[i] + "'");
            }
            String name = tokens[i].substring(0, eq);
            int n;
            try {
                n = Integer.parseInt(tokens[i].substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        name + " is not a number: '" + tokens[i].substring(eq + 1) + "'");
            }
            switch (name) {
                case "max-ttl" -> ttl = n;
                case "min-src-prefix-v4" -> v4 = n;
                case "min-src-prefix-v6" -> v6 = n;
                default ->
                        throw new IllegalArgumentException(
                                "unknown option '"
                                        + name
                                        + "' (max-ttl, min-src-prefix-v4, min-src-prefix-v6)");
            }
        }
        return new KeyScope(actions, ttl, v4, v6);
    }

    /** Why {@code v} is beyond this scope, or empty when the key may sign it. */
    public Optional<String> violation(Verdict v) {
        VerdictAction action = v.getAction();
        if (!actions.contains(action)) {
            return Optional.of(action + " not in " + actions);
        }
        if (action == VerdictAction.REVOKE) {
            return Optional.empty(); // it only closes
        }
        if (v.getTtlSeconds() > maxTtlSeconds) {
            return Optional.of("ttl " + v.getTtlSeconds() + " s > " + maxTtlSeconds);
        }
        VerdictMatch m = v.getMatch();
        int full = m.getIpVersion() == 6 ? 128 : 32;
        int prefix = m.getSrcPrefixLength() == -1 ? full : m.getSrcPrefixLength();
        if (action == VerdictAction.ALLOW) {
            // as narrow as a policy pinhole: one source host, one destination host, one port
            if (m.getSrc() == null) {
                return Optional.of("ALLOW without a source");
            }
            if (prefix != full) {
                return Optional.of("ALLOW from /" + prefix + ", only single hosts");
            }
            if (m.getDst() == null || m.getDstPort() == 0) {
                return Optional.of("ALLOW needs one destination host and port");
            }
            return Optional.empty();
        }
        int min = m.getIpVersion() == 6 ? minSrcPrefixV6 : minSrcPrefixV4;
        if (m.getSrc() != null && prefix < min) {
            return Optional.of("BLOCK of /" + prefix + " < /" + min);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return EnumSet.copyOf(actions)
                + " max-ttl="
                + maxTtlSeconds
                + " min-src-prefix-v4="
                + minSrcPrefixV4
                + " min-src-prefix-v6="
                + minSrcPrefixV6;
    }
}
