package io.ctstream.streams.config;

import static io.ctstream.streams.config.Tunable.bool;
import static io.ctstream.streams.config.Tunable.choice;
import static io.ctstream.streams.config.Tunable.duration;
import static io.ctstream.streams.config.Tunable.integer;
import static io.ctstream.streams.config.Tunable.ports;

import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code helper.*} keys, bound to {@link HelperConfig}: the mode and the robust mode's bounds, and per helper
 * kind its expectation policy, {@code helper.<kind>.ports}, {@code .loose}, {@code .max-expected} and
 * {@code .timeout}. The keys are per kind; only this adapter knows that HelperConfig keeps them as ftpX/ircX field
 * pairs, so that a per-kind policy record can take them over by changing {@link #policy} alone.
 */
public final class HelperKeys {
    private HelperKeys() {
    }

    static List<Tunable<HelperConfig.Builder>> keys() {
        HelperConfig d = HelperConfig.defaults();
        List<Tunable<HelperConfig.Builder>> k = new ArrayList<>();
        k.add(choice("helper.mode", d.mode().name().toLowerCase(Locale.ROOT), List.of("robust", "kernel"),
                "kernel: exactly as nf_conntrack_ftp/irc, segment by segment; robust: reassemble the control "
                        + "channels first (streams-app README, The two modes).",
                (b, v) -> b.mode(HelperMode.valueOf(v.toUpperCase(Locale.ROOT)))));
        for (HelperKind kind : HelperKind.values()) {
            k.addAll(policy(kind, d));
        }
        k.add(bool("helper.irc.ipv6", d.ircIpv6(),
                "Also run the IRC helper on IPv6 masters (the kernel's is IPv4 only).", HelperConfig.Builder::ircIpv6));
        k.add(integer("helper.line-buffer.bytes", d.lineBufferBytes(), 16, 1 << 20,
                "Robust mode: the longest control line kept (longer lines raise line-overflow).",
                HelperConfig.Builder::lineBufferBytes));
        k.add(integer("helper.reassembly.window.bytes", d.reassemblyWindowBytes(), 1, 1 << 24,
                "Robust mode: out-of-order bytes held per direction of a control channel.",
                HelperConfig.Builder::reassemblyWindowBytes));
        k.add(integer("helper.reassembly.max-segments", d.reassemblyMaxSegments(), 1, 1 << 16,
                "Robust mode: out-of-order segments held per direction of a control channel.",
                HelperConfig.Builder::reassemblyMaxSegments));
        return k;
    }

    /** The TCP ports whose payload the helpers of {@code helpers} read: what a sensor must keep for them. */
    public static Set<Integer> payloadPorts(HelperConfig helpers) {
        Set<Integer> ports = new TreeSet<>(helpers.ftpPorts());
        ports.addAll(helpers.ircPorts());
        return ports;
    }

    /** The expectation policy keys of one helper kind (the kernel's module parameters and expect policy). */
    private static List<Tunable<HelperConfig.Builder>> policy(HelperKind kind, HelperConfig d) {
        String p = "helper." + kind.helperName() + ".";
        // exhaustive: a new kind does not compile until it is bound here (or HelperConfig is keyed by kind)
        boolean ftp = switch (kind) {
            case FTP -> true;
            case IRC -> false;
        };
        String module = "nf_conntrack_" + kind.helperName();
        return List.of(
                ports(p + "ports", ftp ? d.ftpPorts() : d.ircPorts(),
                        "Server ports whose TCP connections get the " + kind.helperName() + " helper (" + module
                                + " ports=).",
                        (b, v) -> ftp ? b.ftpPorts(v) : b.ircPorts(v)),
                bool(p + "loose", d.loose(kind),
                        "Expect a data connection to an announced address other than the announcing side's ("
                                + (ftp ? "nf_conntrack_ftp loose=" : "the kernel's IRC helper is always strict")
                                + ").",
                        (b, v) -> ftp ? b.ftpLoose(v) : b.ircLoose(v)),
                integer(p + "max-expected", d.maxExpected(kind), 1, 255,
                        "Live expectations per master connection; a new one evicts the oldest ("
                                + (ftp ? "expect policy max_expected" : "nf_conntrack_irc max_dcc_channels") + ").",
                        (b, v) -> ftp ? b.ftpMaxExpected(v) : b.ircMaxDccChannels(v)),
                duration(p + "timeout", Duration.ofSeconds(d.timeoutSeconds(kind)),
                        "Lifetime of an expectation (" + (ftp ? "expect policy timeout" : "nf_conntrack_irc dcc_timeout")
                                + "); whole seconds.",
                        (b, v) -> {
                            int s = wholeSeconds(p + "timeout", v);
                            return ftp ? b.ftpTimeoutSeconds(s) : b.ircTimeoutSeconds(s);
                        }));
    }

    private static int wholeSeconds(String key, Duration v) {
        if (v.toNanos() % 1_000_000_000L != 0 || v.isZero() || v.getSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be a positive whole number of seconds: " + v);
        }
        return (int) v.getSeconds();
    }
}
