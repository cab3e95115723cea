package io.ctstream.streams.conntrack;

import io.ctstream.avro.TcpState;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the conntrack core, with the Linux kernel's defaults (net.netfilter.nf_conntrack_*
 * sysctls).
 *
 * <p>Build with {@link #builder()} (at the defaults) or {@link #toBuilder()}, e.g. {@code
 * ConntrackConfig.builder().tcpBeLiberal(true).build()}; the launcher binds the {@code conntrack.*}
 * keys of its config file onto a builder ({@code io.ctstream.streams.config.StreamsKeys}).
 *
 * @param tcpLoose nf_conntrack_tcp_loose: pick up connections already in progress (a mid-stream ACK
 *     creates an ESTABLISHED connection). Default on.
 * @param tcpBeLiberal nf_conntrack_tcp_be_liberal: only out-of-window RSTs are INVALID. Default
 *     off.
 * @param tcpIgnoreInvalidRst nf_conntrack_tcp_ignore_invalid_rst. Default off.
 * @param tcpMaxRetrans nf_conntrack_tcp_max_retrans: retransmissions before the shorter retrans
 *     timeout.
 * @param tcpTimeouts per-state TCP timeouts
 * @param udpTimeout unreplied UDP (nf_conntrack_udp_timeout, 30 s)
 * @param udpStreamTimeout replied UDP seen for longer than {@code udpStreamAfter}
 *     (nf_conntrack_udp_timeout_stream, 120 s)
 * @param udpStreamAfter how long after creation a replied UDP flow becomes a stream (kernel: 2 s,
 *     fixed)
 * @param icmpTimeout ICMP (nf_conntrack_icmp_timeout, 30 s)
 * @param icmpv6Timeout ICMPv6 (nf_conntrack_icmpv6_timeout, 30 s)
 * @param genericTimeout any other layer-4 protocol (nf_conntrack_generic_timeout, 600 s)
 * @param duplicateWindow how far apart in capture time two copies of one packet from different
 *     sensors may be
 * @param duplicateMemory how many recent packets a connection remembers for duplicate suppression
 *     (0 = off)
 */
public record ConntrackConfig(
        boolean tcpLoose,
        boolean tcpBeLiberal,
        boolean tcpIgnoreInvalidRst,
        int tcpMaxRetrans,
        TcpTimeouts tcpTimeouts,
        Duration udpTimeout,
        Duration udpStreamTimeout,
        Duration udpStreamAfter,
        Duration icmpTimeout,
        Duration icmpv6Timeout,
        Duration genericTimeout,
        Duration duplicateWindow,
        int duplicateMemory) {

    public ConntrackConfig {
        Objects.requireNonNull(tcpTimeouts, "tcpTimeouts");
        requirePositive(udpTimeout, "udpTimeout");
        requirePositive(udpStreamTimeout, "udpStreamTimeout");
        Objects.requireNonNull(udpStreamAfter, "udpStreamAfter");
        requirePositive(icmpTimeout, "icmpTimeout");
        requirePositive(icmpv6Timeout, "icmpv6Timeout");
        requirePositive(genericTimeout, "genericTimeout");
        Objects.requireNonNull(duplicateWindow, "duplicateWindow");
        if (duplicateWindow.isNegative()) {
            throw new IllegalArgumentException(
                    "duplicateWindow must not be negative: " + duplicateWindow);
        }
        if (tcpMaxRetrans < 0) {
            throw new IllegalArgumentException("tcpMaxRetrans must be >= 0: " + tcpMaxRetrans);
        }
        if (duplicateMemory < 0 || duplicateMemory > 1024) {
            throw new IllegalArgumentException(
                    "duplicateMemory must be in 0..1024: " + duplicateMemory);
        }
    }

    /** The kernel's defaults; duplicate suppression: 1 ms window, 16 packets. */
    public static ConntrackConfig defaults() {
        return builder().build();
    }

    /** A builder at the kernel's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .tcpLoose(tcpLoose)
                .tcpBeLiberal(tcpBeLiberal)
                .tcpIgnoreInvalidRst(tcpIgnoreInvalidRst)
                .tcpMaxRetrans(tcpMaxRetrans)
                .tcpTimeouts(tcpTimeouts)
                .udpTimeout(udpTimeout)
                .udpStreamTimeout(udpStreamTimeout)
                .udpStreamAfter(udpStreamAfter)
                .icmpTimeout(icmpTimeout)
                .icmpv6Timeout(icmpv6Timeout)
                .genericTimeout(genericTimeout)
                .duplicateWindow(duplicateWindow)
                .duplicateMemory(duplicateMemory);
    }

    /** Builder starting at the kernel's defaults. */
    public static final class Builder {
        private boolean tcpLoose = true;
        private boolean tcpBeLiberal;
        private boolean tcpIgnoreInvalidRst;
        private int tcpMaxRetrans = 3;
        private TcpTimeouts tcpTimeouts = TcpTimeouts.defaults();
        private Duration udpTimeout = Duration.ofSeconds(30);
        private Duration udpStreamTimeout = Duration.ofSeconds(120);
        private Duration udpStreamAfter = Duration.ofSeconds(2);
        private Duration icmpTimeout = Duration.ofSeconds(30);
        private Duration icmpv6Timeout = Duration.ofSeconds(30);
        private Duration genericTimeout = Duration.ofSeconds(600);
        private Duration duplicateWindow = Duration.ofMillis(1);
        private int duplicateMemory = 16;

        public Builder tcpLoose(boolean v) {
            tcpLoose = v;
            return this;
        }

        public Builder tcpBeLiberal(boolean v) {
            tcpBeLiberal = v;
            return this;
        }

        public Builder tcpIgnoreInvalidRst(boolean v) {
            tcpIgnoreInvalidRst = v;
            return this;
        }

        public Builder tcpMaxRetrans(int v) {
            tcpMaxRetrans = v;
            return this;
        }

        public Builder tcpTimeouts(TcpTimeouts v) {
            tcpTimeouts = v;
            return this;
        }

        public Builder udpTimeout(Duration v) {
            udpTimeout = v;
            return this;
        }

        public Builder udpStreamTimeout(Duration v) {
            udpStreamTimeout = v;
            return this;
        }

        public Builder udpStreamAfter(Duration v) {
            udpStreamAfter = v;
            return this;
        }

        public Builder icmpTimeout(Duration v) {
            icmpTimeout = v;
            return this;
        }

        public Builder icmpv6Timeout(Duration v) {
            icmpv6Timeout = v;
            return this;
        }

        public Builder genericTimeout(Duration v) {
            genericTimeout = v;
            return this;
        }

        public Builder duplicateWindow(Duration v) {
            duplicateWindow = v;
            return this;
        }

        public Builder duplicateMemory(int v) {
            duplicateMemory = v;
            return this;
        }

        public ConntrackConfig build() {
            return new ConntrackConfig(
                    tcpLoose,
                    tcpBeLiberal,
                    tcpIgnoreInvalidRst,
                    tcpMaxRetrans,
                    tcpTimeouts,
                    udpTimeout,
                    udpStreamTimeout,
                    udpStreamAfter,
                    icmpTimeout,
                    icmpv6Timeout,
                    genericTimeout,
                    duplicateWindow,
                    duplicateMemory);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** The kernel's tcp_timeouts[] (nf_conntrack_tcp_timeout_* sysctls). */
    public record TcpTimeouts(
            Duration synSent,
            Duration synRecv,
            Duration established,
            Duration finWait,
            Duration closeWait,
            Duration lastAck,
            Duration timeWait,
            Duration close,
            Duration synSent2,
            Duration retrans,
            Duration unacknowledged) {

        public TcpTimeouts {
            requirePositive(synSent, "synSent");
            requirePositive(synRecv, "synRecv");
            requirePositive(established, "established");
            requirePositive(finWait, "finWait");
            requirePositive(closeWait, "closeWait");
            requirePositive(lastAck, "lastAck");
            requirePositive(timeWait, "timeWait");
            requirePositive(close, "close");
            requirePositive(synSent2, "synSent2");
            requirePositive(retrans, "retrans");
            requirePositive(unacknowledged, "unacknowledged");
        }

        public static TcpTimeouts defaults() {
            return builder().build();
        }

        /** A builder at the kernel's defaults. */
        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            return new Builder()
                    .synSent(synSent)
                    .synRecv(synRecv)
                    .established(established)
                    .finWait(finWait)
                    .closeWait(closeWait)
                    .lastAck(lastAck)
                    .timeWait(timeWait)
                    .close(close)
                    .synSent2(synSent2)
                    .retrans(retrans)
                    .unacknowledged(unacknowledged);
        }

        /** Builder starting at the kernel's defaults. */
        public static final class Builder {
            private Duration synSent = Duration.ofSeconds(120);
            private Duration synRecv = Duration.ofSeconds(60);
            private Duration established = Duration.ofDays(5);
            private Duration finWait = Duration.ofSeconds(120);
            private Duration closeWait = Duration.ofSeconds(60);
            private Duration lastAck = Duration.ofSeconds(30);
            private Duration timeWait = Duration.ofSeconds(120);
            private Duration close = Duration.ofSeconds(10);
            private Duration synSent2 = Duration.ofSeconds(120);
            private Duration retrans = Duration.ofMinutes(5);
            private Duration unacknowledged = Duration.ofMinutes(5);

            public Builder synSent(Duration v) {
                synSent = v;
                return this;
            }

            public Builder synRecv(Duration v) {
                synRecv = v;
                return this;
            }

            public Builder established(Duration v) {
                established = v;
                return this;
            }

            public Builder finWait(Duration v) {
                finWait = v;
                return this;
            }

            public Builder closeWait(Duration v) {
                closeWait = v;
                return this;
            }

            public Builder lastAck(Duration v) {
                lastAck = v;
                return this;
            }

            public Builder timeWait(Duration v) {
                timeWait = v;
                return this;
            }

            public Builder close(Duration v) {
                close = v;
                return this;
            }

            public Builder synSent2(Duration v) {
                synSent2 = v;
                return this;
            }

            public Builder retrans(Duration v) {
                retrans = v;
                return this;
            }

            public Builder unacknowledged(Duration v) {
                unacknowledged = v;
                return this;
            }

            public TcpTimeouts build() {
                return new TcpTimeouts(
                        synSent,
                        synRecv,
                        established,
                        finWait,
                        closeWait,
                        lastAck,
                        timeWait,
                        close,
                        synSent2,
                        retrans,
                        unacknowledged);
            }
        }

        /**
         * Timeout of a TCP state; NONE has none in the kernel (a fresh entry is always moved on),
         * SYN_SENT's is used.
         */
        public Duration of(TcpState state) {
            return switch (state) {
                case NONE, SYN_SENT -> synSent;
                case SYN_RECV -> synRecv;
                case ESTABLISHED -> established;
                case FIN_WAIT -> finWait;
                case CLOSE_WAIT -> closeWait;
                case LAST_ACK -> lastAck;
                case TIME_WAIT -> timeWait;
                case CLOSE -> close;
                case SYN_SENT2 -> synSent2;
            };
        }
    }
}
