package io.ctstream.streams.config;

import static io.ctstream.streams.config.Tunable.bool;
import static io.ctstream.streams.config.Tunable.choice;
import static io.ctstream.streams.config.Tunable.duration;
import static io.ctstream.streams.config.Tunable.integer;
import static io.ctstream.streams.config.Tunable.ports;

import io.ctstream.avro.HelperMode;
import io.ctstream.schemas.IpProtocol;
import io.ctstream.streams.helper.ConntrackHelper;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperPolicy;
import io.ctstream.streams.helper.registry.HelperRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code helper.*} keys, bound to {@link HelperConfig}: the mode and the robust mode's bounds,
 * and per registered helper ({@link HelperRegistry}) its expectation policy, {@code
 * helper.<name>.ports}, {@code .loose}, {@code .max-expected}, {@code .timeout} and {@code .ipv6},
 * with that helper's own defaults. A new helper gets its keys by being registered.
 */
public final class HelperKeys {
    private HelperKeys() {}

    static List<Tunable<HelperConfig.Builder>> keys() {
        HelperConfig d = HelperConfig.defaults();
        List<Tunable<HelperConfig.Builder>> k = new ArrayList<>();
        k.add(
                choice(
                        "helper.mode",
                        d.mode().name().toLowerCase(Locale.ROOT),
                        List.of("robust", "kernel"),
                        "kernel: exactly as the Linux helpers (nf_conntrack_ftp, _irc, _tftp), segment by segment; robust: "
                                + "reassemble the control channels first (streams-app README, The two modes).",
                        (b, v) -> b.mode(HelperMode.valueOf(v.toUpperCase(Locale.ROOT)))));
        for (ConntrackHelper helper : HelperRegistry.all()) {
            k.addAll(policy(helper, d.policy(helper)));
        }
        k.add(
                integer(
                        "helper.line-buffer.bytes",
                        d.lineBufferBytes(),
                        16,
                        1 << 20,
                        "Robust mode: the longest control line kept (longer lines raise line-overflow).",
                        HelperConfig.Builder::lineBufferBytes));
        k.add(
                integer(
                        "helper.reassembly.window.bytes",
                        d.reassemblyWindowBytes(),
                        1,
                        1 << 24,
                        "Robust mode: out-of-order bytes held per direction of a control channel.",
                        HelperConfig.Builder::reassemblyWindowBytes));
        k.add(
                integer(
                        "helper.reassembly.max-segments",
                        d.reassemblyMaxSegments(),
                        1,
                        1 << 16,
                        "Robust mode: out-of-order segments held per direction of a control channel.",
                        HelperConfig.Builder::reassemblyMaxSegments));
        return k;
    }

    /**
     * The TCP ports whose payload the helpers of {@code helpers} read: what a sensor must keep for
     * them.
     */
    public static Set<Integer> payloadPorts(HelperConfig helpers) {
        return helperPorts(helpers, IpProtocol.TCP);
    }

    /** The same for UDP helpers (TFTP). */
    public static Set<Integer> udpPayloadPorts(HelperConfig helpers) {
        return helperPorts(helpers, IpProtocol.UDP);
    }

    private static Set<Integer> helperPorts(HelperConfig helpers, int protocol) {
        Set<Integer> ports = new TreeSet<>();
        for (ConntrackHelper helper : HelperRegistry.all()) {
            if (helper.protocol() == protocol) {
                ports.addAll(helpers.policy(helper).ports());
            }
        }
        return ports;
    }

    /**
     * The expectation policy keys of one helper (the kernel module's parameters and expect policy).
     */
    private static List<Tunable<HelperConfig.Builder>> policy(
            ConntrackHelper helper, HelperPolicy d) {
        String p = "helper." + helper.name() + ".";
        String module = "nf_conntrack_" + helper.name();
        String protocol = helper.protocol() == IpProtocol.UDP ? "UDP" : "TCP";
        return List.of(
                ports(
                        p + "ports",
                        d.ports(),
                        "Server ports whose "
                                + protocol
                                + " connections get the "
                                + helper.name()
                                + " helper ("
                                + module
                                + " ports=); empty: the helper is off.",
                        (b, v) -> b.policy(helper, x -> x.toBuilder().ports(v).build())),
                bool(
                        p + "loose",
                        d.loose(),
                        "Expect a data connection to an announced address other than the announcing side's ("
                                + module
                                + " loose= where the module has it).",
                        (b, v) -> b.policy(helper, x -> x.toBuilder().loose(v).build())),
                integer(
                        p + "max-expected",
                        d.maxExpected(),
                        1,
                        255,
                        "Live expectations per master connection; a new one evicts the oldest ("
                                + module
                                + " expect policy max_expected).",
                        (b, v) -> b.policy(helper, x -> x.toBuilder().maxExpected(v).build())),
                duration(
                        p + "timeout",
                        Duration.ofSeconds(d.timeoutSeconds()),
                        "Lifetime of an expectation ("
                                + module
                                + " expect policy timeout); whole seconds.",
                        (b, v) -> {
                            int s = wholeSeconds(p + "timeout", v);
                            return b.policy(helper, x -> x.toBuilder().timeoutSeconds(s).build());
                        }),
                bool(
                        p + "ipv6",
                        d.ipv6(),
                        "Also help IPv6 masters (the kernel's IRC helper registers for IPv4 only).",
                        (b, v) -> b.policy(helper, x -> x.toBuilder().ipv6(v).build())));
    }

    private static int wholeSeconds(String key, Duration v) {
        if (v.toNanos() % 1_000_000_000L != 0 || v.isZero() || v.getSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    key + " must be a positive whole number of seconds: " + v);
        }
        return (int) v.getSeconds();
    }
}
