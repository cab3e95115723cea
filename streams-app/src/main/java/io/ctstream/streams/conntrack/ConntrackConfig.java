package io.ctstream.streams.conntrack;

import io.ctstream.avro.TcpState;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the conntrack core, with the Linux kernel's defaults (net.netfilter.nf_conntrack_* sysctls).
 *
 * <p>Build with {@link #defaults()} and the {@code with…} methods, e.g.
 * {@code ConntrackConfig.defaults().withTcpBeLiberal(true)}.
 *
 * @param tcpLoose                 nf_conntrack_tcp_loose: pick up connections already in progress (a mid-stream
 *                                 ACK creates an ESTABLISHED connection). Default on.
 * @param tcpBeLiberal             nf_conntrack_tcp_be_liberal: only out-of-window RSTs are INVALID. Default off.
 * @param tcpIgnoreInvalidRst      nf_conntrack_tcp_ignore_invalid_rst. Default off.
 * @param tcpMaxRetrans            nf_conntrack_tcp_max_retrans: retransmissions before the shorter retrans timeout.
 * @param tcpTimeouts              per-state TCP timeouts
 * @param udpTimeout               unreplied UDP (nf_conntrack_udp_timeout, 30 s)
 * @param udpStreamTimeout         replied UDP seen for longer than {@code udpStreamAfter} (nf_conntrack_udp_timeout_stream, 120 s)
 * @param udpStreamAfter           how long after creation a replied UDP flow becomes a stream (kernel: 2 s, fixed)
 * @param icmpTimeout              ICMP (nf_conntrack_icmp_timeout, 30 s)
 * @param icmpv6Timeout            ICMPv6 (nf_conntrack_icmpv6_timeout, 30 s)
 * @param genericTimeout           any other layer-4 protocol (nf_conntrack_generic_timeout, 600 s)
 * @param duplicateWindow          how far apart in capture time two copies of one packet from different sensors may be
 * @param duplicateMemory          how many recent packets a connection remembers for duplicate suppression (0 = off)
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
      throw new IllegalArgumentException("duplicateWindow must not be negative: " + duplicateWindow);
    }
    if (tcpMaxRetrans < 0) {
      throw new IllegalArgumentException("tcpMaxRetrans must be >= 0: " + tcpMaxRetrans);
    }
    if (duplicateMemory < 0 || duplicateMemory > 1024) {
      throw new IllegalArgumentException("duplicateMemory must be in 0..1024: " + duplicateMemory);
    }
  }

  /** The kernel's defaults; duplicate suppression: 1 ms window, 16 packets. */
  public static ConntrackConfig defaults() {
    return new ConntrackConfig(true, false, false, 3, TcpTimeouts.defaults(),
        Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofSeconds(2),
        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(600),
        Duration.ofMillis(1), 16);
  }

  public ConntrackConfig withTcpLoose(boolean v) {
    return new ConntrackConfig(v, tcpBeLiberal, tcpIgnoreInvalidRst, tcpMaxRetrans, tcpTimeouts, udpTimeout,
        udpStreamTimeout, udpStreamAfter, icmpTimeout, icmpv6Timeout, genericTimeout, duplicateWindow, duplicateMemory);
  }

  public ConntrackConfig withTcpBeLiberal(boolean v) {
    return new ConntrackConfig(tcpLoose, v, tcpIgnoreInvalidRst, tcpMaxRetrans, tcpTimeouts, udpTimeout,
        udpStreamTimeout, udpStreamAfter, icmpTimeout, icmpv6Timeout, genericTimeout, duplicateWindow, duplicateMemory);
  }

  public ConntrackConfig withTcpIgnoreInvalidRst(boolean v) {
    return new ConntrackConfig(tcpLoose, tcpBeLiberal, v, tcpMaxRetrans, tcpTimeouts, udpTimeout,
        udpStreamTimeout, udpStreamAfter, icmpTimeout, icmpv6Timeout, genericTimeout, duplicateWindow, duplicateMemory);
  }

  public ConntrackConfig withTcpTimeouts(TcpTimeouts v) {
    return new ConntrackConfig(tcpLoose, tcpBeLiberal, tcpIgnoreInvalidRst, tcpMaxRetrans, v, udpTimeout,
        udpStreamTimeout, udpStreamAfter, icmpTimeout, icmpv6Timeout, genericTimeout, duplicateWindow, duplicateMemory);
  }

  public ConntrackConfig withUdpTimeouts(Duration unreplied, Duration stream) {
    return new ConntrackConfig(tcpLoose, tcpBeLiberal, tcpIgnoreInvalidRst, tcpMaxRetrans, tcpTimeouts, unreplied,
        stream, udpStreamAfter, icmpTimeout, icmpv6Timeout, genericTimeout, duplicateWindow, duplicateMemory);
  }

  public ConntrackConfig withIcmpTimeouts(Duration icmp, Duration icmpv6) {
    return new ConntrackConfig(tcpLoose, tcpBeLiberal, tcpIgnoreInvalidRst, tcpMaxRetrans, tcpTimeouts, udpTimeout,
        udpStreamTimeout, udpStreamAfter, icmp, icmpv6, genericTimeout, duplicateWindow, duplicateMemory);
  }

  public ConntrackConfig withGenericTimeout(Duration v) {
    return new ConntrackConfig(tcpLoose, tcpBeLiberal, tcpIgnoreInvalidRst, tcpMaxRetrans, tcpTimeouts, udpTimeout,
        udpStreamTimeout, udpStreamAfter, icmpTimeout, icmpv6Timeout, v, duplicateWindow, duplicateMemory);
  }

  public ConntrackConfig withDuplicateSuppression(Duration window, int memory) {
    return new ConntrackConfig(tcpLoose, tcpBeLiberal, tcpIgnoreInvalidRst, tcpMaxRetrans, tcpTimeouts, udpTimeout,
        udpStreamTimeout, udpStreamAfter, icmpTimeout, icmpv6Timeout, genericTimeout, window, memory);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  /** The kernel's tcp_timeouts[] (nf_conntrack_tcp_timeout_* sysctls). */
  public record TcpTimeouts(
      Duration synSent, Duration synRecv, Duration established, Duration finWait, Duration closeWait,
      Duration lastAck, Duration timeWait, Duration close, Duration synSent2,
      Duration retrans, Duration unacknowledged) {

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
      return new TcpTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(60), Duration.ofDays(5),
          Duration.ofSeconds(120), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(120),
          Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    /** Timeout of a TCP state; NONE has none in the kernel (a fresh entry is always moved on), SYN_SENT's is used. */
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
