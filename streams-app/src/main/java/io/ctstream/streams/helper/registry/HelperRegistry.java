package io.ctstream.streams.helper.registry;

import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.helper.ConnTuple;
import io.ctstream.streams.helper.ConntrackHelper;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperPolicy;
import io.ctstream.streams.helper.ftp.FtpHelper;
import io.ctstream.streams.helper.irc.IrcHelper;
import io.ctstream.streams.helper.tftp.TftpHelper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The helpers ctstream runs, by name, as the kernel's helper list ({@code
 * nf_conntrack_helper_register}). Adding a helper is one line here. The order decides which helper
 * a master gets when two claim one port and protocol.
 */
public final class HelperRegistry {

    private static final List<ConntrackHelper> HELPERS =
            List.of(new FtpHelper(), new IrcHelper(), new TftpHelper());

    private static final Map<String, ConntrackHelper> BY_NAME = byName();

    private HelperRegistry() {}

    private static Map<String, ConntrackHelper> byName() {
        Map<String, ConntrackHelper> m = new LinkedHashMap<>();
        for (ConntrackHelper h : HELPERS) {
            if (m.put(h.name(), h) != null) {
                throw new IllegalStateException("two helpers named " + h.name());
            }
        }
        return Map.copyOf(m);
    }

    public static List<ConntrackHelper> all() {
        return HELPERS;
    }

    /** The helper registered as {@code name}, if any. */
    public static Optional<ConntrackHelper> byName(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name));
    }

    /**
     * The helper names ("ftp", "irc", "tftp"): the helper values of expectations, alerts and
     * policies.
     */
    public static Set<String> names() {
        return new TreeSet<>(BY_NAME.keySet());
    }

    /** Every alert type streams-app raises: the channel core's and every helper's. */
    public static Set<String> alertTypes() {
        Set<String> types = new TreeSet<>(AlertTypes.CORE);
        HELPERS.forEach(h -> types.addAll(h.alertTypes()));
        return types;
    }

    /**
     * The protocols some helper's expectations are for (each helper expects connections of its
     * master's protocol): new connections of these must meet the expectations.
     */
    public static Set<Integer> expectedProtocols() {
        Set<Integer> p = new TreeSet<>();
        HELPERS.forEach(h -> p.add(h.protocol()));
        return Set.copyOf(p);
    }

    /**
     * Turns every registered helper off (no ports), as a gateway without {@code ct helper set}
     * rules.
     */
    public static HelperConfig.Builder helpersOff(HelperConfig.Builder builder) {
        HELPERS.forEach(h -> builder.policy(h, p -> p.toBuilder().ports(Set.of()).build()));
        return builder;
    }

    /**
     * Refuses a configuration that names a helper nobody registered: a typo would silently keep the
     * defaults.
     */
    public static void validate(HelperConfig config) {
        for (String name : config.policies().keySet()) {
            if (!BY_NAME.containsKey(name)) {
                throw new IllegalArgumentException(
                        "unknown helper '" + name + "' (known: " + names() + ")");
            }
        }
    }

    /**
     * The helper the kernel's {@code ct helper set} rule would assign: by protocol and server
     * (original destination) port, IPv6 masters only where the helper's policy allows. Empty for
     * other connections.
     */
    public static Optional<ConntrackHelper> helperFor(HelperConfig config, ConnTuple orig) {
        for (ConntrackHelper h : HELPERS) {
            HelperPolicy p = config.policy(h);
            if (h.protocol() == orig.protocol()
                    && p.ports().contains(orig.dstPort())
                    && (orig.ipVersion() == 4 || p.ipv6())) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }
}
