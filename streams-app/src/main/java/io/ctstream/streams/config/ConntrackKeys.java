package io.ctstream.streams.config;

import static io.ctstream.streams.config.Tunable.bool;
import static io.ctstream.streams.config.Tunable.duration;
import static io.ctstream.streams.config.Tunable.integer;

import io.ctstream.streams.conntrack.ConntrackConfig;
import io.ctstream.streams.conntrack.ConntrackConfig.TcpTimeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The {@code conntrack.*} keys: the kernel's {@code net.netfilter.nf_conntrack_*} sysctls, per TCP
 * state too.
 */
final class ConntrackKeys {
    private ConntrackKeys() {}

    static List<Tunable<ConntrackConfig.Builder>> keys() {
        ConntrackConfig d = ConntrackConfig.defaults();
        TcpTimeouts t = d.tcpTimeouts();
        List<Tunable<ConntrackConfig.Builder>> k = new ArrayList<>();
        k.add(
                bool(
                        "conntrack.tcp.loose",
                        d.tcpLoose(),
                        "nf_conntrack_tcp_loose: pick up connections already in progress (a mid-stream packet creates an "
                                + "ESTABLISHED connection).",
                        ConntrackConfig.Builder::tcpLoose));
        k.add(
                bool(
                        "conntrack.tcp.be-liberal",
                        d.tcpBeLiberal(),
                        "nf_conntrack_tcp_be_liberal: only out-of-window RSTs are INVALID.",
                        ConntrackConfig.Builder::tcpBeLiberal));
        k.add(
                bool(
                        "conntrack.tcp.ignore-invalid-rst",
                        d.tcpIgnoreInvalidRst(),
                        "nf_conntrack_tcp_ignore_invalid_rst: an out-of-window RST does not mark the packet INVALID.",
                        ConntrackConfig.Builder::tcpIgnoreInvalidRst));
        k.add(
                integer(
                        "conntrack.tcp.max-retrans",
                        d.tcpMaxRetrans(),
                        0,
                        255,
                        "nf_conntrack_tcp_max_retrans: retransmissions of unacknowledged data before the connection gets "
                                + "conntrack.tcp.timeout.retrans.",
                        ConntrackConfig.Builder::tcpMaxRetrans));
        k.add(tcp("syn-sent", t.synSent(), TcpTimeouts.Builder::synSent));
        k.add(tcp("syn-recv", t.synRecv(), TcpTimeouts.Builder::synRecv));
        k.add(tcp("established", t.established(), TcpTimeouts.Builder::established));
        k.add(tcp("fin-wait", t.finWait(), TcpTimeouts.Builder::finWait));
        k.add(tcp("close-wait", t.closeWait(), TcpTimeouts.Builder::closeWait));
        k.add(tcp("last-ack", t.lastAck(), TcpTimeouts.Builder::lastAck));
        k.add(tcp("time-wait", t.timeWait(), TcpTimeouts.Builder::timeWait));
        k.add(tcp("close", t.close(), TcpTimeouts.Builder::close));
        k.add(tcp("syn-sent2", t.synSent2(), TcpTimeouts.Builder::synSent2));
        k.add(
                duration(
                        "conntrack.tcp.timeout.retrans",
                        t.retrans(),
                        "nf_conntrack_tcp_timeout_max_retrans: a connection past conntrack.tcp.max-retrans retransmissions "
                                + "times out after at most this.",
                        (b, v) ->
                                b.tcpTimeouts(
                                        b.build().tcpTimeouts().toBuilder().retrans(v).build())));
        k.add(
                duration(
                        "conntrack.tcp.timeout.unacknowledged",
                        t.unacknowledged(),
                        "nf_conntrack_tcp_timeout_unacknowledged: a connection with data in flight not acknowledged times "
                                + "out after at most this.",
                        (b, v) ->
                                b.tcpTimeouts(
                                        b.build().tcpTimeouts().toBuilder()
                                                .unacknowledged(v)
                                                .build())));
        k.add(
                duration(
                        "conntrack.udp.timeout",
                        d.udpTimeout(),
                        "nf_conntrack_udp_timeout: a UDP flow not replied to, or replied to for less than "
                                + "conntrack.udp.stream-after.",
                        ConntrackConfig.Builder::udpTimeout));
        k.add(
                duration(
                        "conntrack.udp.timeout-stream",
                        d.udpStreamTimeout(),
                        "nf_conntrack_udp_timeout_stream: a replied UDP flow seen for longer than conntrack.udp.stream-after.",
                        ConntrackConfig.Builder::udpStreamTimeout));
        k.add(
                duration(
                        "conntrack.udp.stream-after",
                        d.udpStreamAfter(),
                        "How long after its creation a replied UDP flow becomes a stream (fixed at 2 s in the kernel).",
                        ConntrackConfig.Builder::udpStreamAfter));
        k.add(
                duration(
                        "conntrack.icmp.timeout",
                        d.icmpTimeout(),
                        "nf_conntrack_icmp_timeout.",
                        ConntrackConfig.Builder::icmpTimeout));
        k.add(
                duration(
                        "conntrack.icmpv6.timeout",
                        d.icmpv6Timeout(),
                        "nf_conntrack_icmpv6_timeout.",
                        ConntrackConfig.Builder::icmpv6Timeout));
        k.add(
                duration(
                        "conntrack.generic.timeout",
                        d.genericTimeout(),
                        "nf_conntrack_generic_timeout: any other layer-4 protocol.",
                        ConntrackConfig.Builder::genericTimeout));
        k.add(
                duration(
                        "conntrack.duplicate.window",
                        d.duplicateWindow(),
                        "How far apart in capture time two copies of one packet seen by two sensors may be to count once.",
                        ConntrackConfig.Builder::duplicateWindow));
        k.add(
                integer(
                        "conntrack.duplicate.memory",
                        d.duplicateMemory(),
                        0,
                        1024,
                        "Recent packets a connection remembers to suppress copies seen by another sensor (0: off).",
                        ConntrackConfig.Builder::duplicateMemory));
        return k;
    }

    private static Tunable<ConntrackConfig.Builder> tcp(
            String state,
            Duration dflt,
            BiFunction<TcpTimeouts.Builder, Duration, TcpTimeouts.Builder> set) {
        // the kernel has no sysctl of its own for SYN_SENT2 (a simultaneous open): it uses
        // SYN_SENT's value
        String sysctl =
                state.equals("syn-sent2")
                        ? "As the kernel's SYN_SENT2 timeout"
                        : "nf_conntrack_tcp_timeout_" + state.replace('-', '_');
        return duration(
                "conntrack.tcp.timeout." + state,
                dflt,
                sysctl
                        + ": a TCP connection in state "
                        + state.toUpperCase(Locale.ROOT).replace('-', '_')
                        + " times out after this without a packet.",
                (b, v) -> b.tcpTimeouts(set.apply(b.build().tcpTimeouts().toBuilder(), v).build()));
    }
}
