package io.ctstream.streams.conntrack;

import io.ctstream.avro.Connection;
import io.ctstream.avro.CtState;
import io.ctstream.avro.Direction;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.StatusFlag;
import io.ctstream.avro.TcpState;
import io.ctstream.avro.Tuple;
import io.ctstream.schemas.IpProtocol;
import io.ctstream.streams.conntrack.IcmpErrorSupport.Kind;
import io.ctstream.streams.conntrack.state.RecentPacket;
import io.ctstream.streams.conntrack.state.TcpTracking;
import io.ctstream.streams.conntrack.state.TrackingState;
import io.ctstream.streams.conntrack.tcp.TcpConntrack;
import io.ctstream.streams.conntrack.tcp.TcpOutcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The conntrack core: nf_conntrack_in() for one packet of one flow, as a pure function of the
 * flow's current tracked connection (or none) and the packet. No Kafka types; the topology keeps
 * the result in its store and turns {@link TrackResult#changes()} into conntrack events. Timeouts
 * follow the packets' timestamps (stream time).
 *
 * <p>Thread-safe and stateless apart from its configuration; never modifies the connection it is
 * given.
 */
public final class ConnectionTracker {

    private final ConntrackConfig config;
    private final TcpConntrack tcp;
    private final DuplicateDetector duplicates;

    public ConnectionTracker(ConntrackConfig config) {
        this(config, false);
    }

    /**
     * @param captureGaps see {@link TcpConntrack#TcpConntrack(ConntrackConfig, boolean)}: robust
     *     helper mode
     */
    public ConnectionTracker(ConntrackConfig config, boolean captureGaps) {
        this.config = config;
        this.tcp = new TcpConntrack(config, captureGaps);
        this.duplicates = new DuplicateDetector(config);
    }

    public ConntrackConfig config() {
        return config;
    }

    /**
     * Tracks one packet.
     *
     * @param existing the connection currently stored for the packet's flow key, or null; for an
     *     ICMP error the connection of the quoted flow (errors are keyed by the flow they quote,
     *     see {@link PacketFlowKeys})
     * @param p the packet
     * @return the new state of the flow, the packet's conntrack state and what changed
     */
    public TrackResult track(TrackedConnection existing, PacketRecord p) {
        return track(existing, p, true);
    }

    /**
     * {@link #track}, for a caller that gives {@code existing} up: it is modified in place and
     * returned as the result's connection instead of being copied first (the topology's hot path:
     * what it passes was just decoded from its store and is used for nothing else). A connection
     * the packet destroys (reopened, timed out) is returned as it was.
     */
    public TrackResult trackInPlace(TrackedConnection existing, PacketRecord p) {
        return track(existing, p, false);
    }

    private TrackResult track(TrackedConnection existing, PacketRecord p, boolean copy) {
        String malformed = malformed(p);
        if (malformed != null) {
            return new TrackResult(
                    existing,
                    PacketState.INVALID,
                    null,
                    Set.of(),
                    null,
                    null,
                    false,
                    "malformed packet: " + malformed);
        }
        if (IcmpErrorSupport.isError(p)) {
            return icmpError(existing, p);
        }
        TrackedConnection expired = null;
        if (existing != null && isExpired(existing, p.getTimestampMicros())) {
            // The kernel's lookup skips (and kills) an expired entry: the packet starts afresh.
            expired = existing;
            existing = null;
        }
        TrackResult r = existing == null ? create(p) : update(existing, p, copy);
        if (expired != null) {
            return withDestroyed(r, expired, "timeout");
        }
        return r;
    }

    /**
     * The connection's final snapshot when it has timed out at {@code streamTimeMicros}, else
     * empty.
     */
    public Optional<Connection> expire(TrackedConnection tracked, long streamTimeMicros) {
        if (!isExpired(tracked, streamTimeMicros)) {
            return Optional.empty();
        }
        return Optional.of(Connection.newBuilder(tracked.connection()).build());
    }

    /** Stream time at which the connection times out unless another packet arrives. */
    public static long nextTimeoutMicros(TrackedConnection tracked) {
        return tracked.connection().getTimeoutAtMicros();
    }

    /** The kernel's nf_ct_is_expired(): the timer has run out at or before {@code nowMicros}. */
    public static boolean isExpired(TrackedConnection tracked, long nowMicros) {
        return nowMicros >= tracked.connection().getTimeoutAtMicros();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // new connections (init_conntrack + the l4 tracker's first packet)

    private TrackResult create(PacketRecord p) {
        int proto = p.getProtocol();
        TrackingState state = TrackingState.newBuilder().build();
        TcpOutcome tcpOutcome = null;
        long timeout;
        if (proto == IpProtocol.TCP) {
            String err = TcpConntrack.error(p);
            if (err != null) {
                return noConnection(PacketState.INVALID, err);
            }
            TcpTracking t = tcp.newTracking(p);
            if (t == null) {
                return noConnection(
                        PacketState.INVALID,
                        config.tcpLoose() || (p.getTcpFlags() & 0x02) != 0
                                ? "invalid new"
                                : "invalid new (tcp_loose off: no pick-up of connections in progress)");
            }
            state.setTcp(t);
            tcpOutcome =
                    tcp.packet(
                            t,
                            TcpState.NONE,
                            0,
                            p,
                            false,
                            false,
                            p.getTimestampMicros(),
                            Long.MAX_VALUE);
            if (tcpOutcome.action() != TcpOutcome.Action.ACCEPT) {
                return noConnection(PacketState.INVALID, tcpOutcome.reason());
            }
            timeout = tcpOutcome.timeoutMicros();
        } else if (IcmpErrorSupport.isIcmp(proto)) {
            if (p.getIcmpType() == null) {
                return noConnection(PacketState.INVALID, "ICMP packet without a type");
            }
            Kind kind = IcmpErrorSupport.kind(proto, p.getIcmpType());
            if (kind == Kind.UNTRACKED) {
                return noConnection(
                        PacketState.UNTRACKED,
                        "ICMPv6 type " + p.getIcmpType() + " is not tracked");
            }
            if (kind != Kind.REQUEST) {
                return noConnection(
                        PacketState.INVALID,
                        "icmp type " + p.getIcmpType() + " cannot open a connection");
            }
            state.setIcmpRequestType(p.getIcmpType());
            timeout =
                    micros(
                            proto == IpProtocol.ICMP
                                    ? config.icmpTimeout()
                                    : config.icmpv6Timeout());
        } else if (proto == IpProtocol.UDP || proto == IpProtocol.UDPLITE) {
            state.setUdpStreamAtMicros(p.getTimestampMicros() + micros(config.udpStreamAfter()));
            timeout = micros(config.udpTimeout());
        } else {
            timeout = micros(config.genericTimeout());
        }

        Tuple orig = Tuples.of(p);
        long ts = p.getTimestampMicros();
        Connection c =
                Connection.newBuilder()
                        .setId(connectionId(orig, ts))
                        .setOrig(orig)
                        .setReply(Tuples.invert(orig))
                        .setCtState(CtState.NEW)
                        .setTcpState(tcpOutcome != null ? tcpOutcome.newState() : TcpState.NONE)
                        .setStatus(new ArrayList<>())
                        .setFirstSeenMicros(ts)
                        .setLastSeenMicros(ts)
                        .setTimeoutAtMicros(ts + timeout)
                        .setHistory(History.add("", p, false, false))
                        .setSensors(new ArrayList<>(List.of(p.getSensorId())))
                        .build();
        TrackedConnection tc = new TrackedConnection(c, state);
        account(c, p, false);
        captured(c, p, false);
        duplicates.remember(state, p, false);
        return new TrackResult(
                tc,
                PacketState.NEW,
                Direction.ORIGINAL,
                EnumSet.of(Change.CREATED),
                null,
                null,
                false,
                null);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // packets of an existing connection

    private TrackResult update(TrackedConnection existing, PacketRecord p, boolean copy) {
        TrackedConnection tc = copy ? existing.copy() : existing;
        Connection c = tc.connection();
        TrackingState state = tc.state();
        boolean reply;
        if (Tuples.travelsAs(p, c.getOrig())) {
            reply = false;
        } else if (Tuples.travelsAs(p, c.getReply())) {
            reply = true;
        } else {
            return new TrackResult(
                    existing,
                    PacketState.INVALID,
                    null,
                    Set.of(),
                    null,
                    null,
                    false,
                    "packet "
                            + Tuples.format(Tuples.of(p))
                            + " does not belong to connection "
                            + c.getId());
        }
        Direction dir = reply ? Direction.REPLY : Direction.ORIGINAL;
        // What a reopening SYN must find as it was, when tc is existing itself: these three are
        // replaced, never
        // modified in place, before the TCP state machine decides.
        List<String> sensorsBefore = c.getSensors();
        List<RecentPacket> recentBefore = state.getRecent();
        long lastSeenBefore = c.getLastSeenMicros();
        addSensor(c, p.getSensorId());

        boolean seenReply = has(c, StatusFlag.SEEN_REPLY);
        PacketState ctinfo =
                reply || seenReply
                        ? PacketState.ESTABLISHED
                        : has(c, StatusFlag.EXPECTED) ? PacketState.RELATED : PacketState.NEW;

        if (duplicates.isDuplicate(state, p, reply)) {
            return new TrackResult(
                    tc,
                    ctinfo,
                    dir,
                    Set.of(),
                    null,
                    null,
                    true,
                    "duplicate of a packet from another sensor");
        }
        duplicates.remember(state, p, reply);
        long now = Math.max(c.getLastSeenMicros(), p.getTimestampMicros());
        c.setLastSeenMicros(now);

        int proto = p.getProtocol();
        EnumSet<Change> changes = EnumSet.noneOf(Change.class);
        if (proto == IpProtocol.TCP) {
            String err = TcpConntrack.error(p);
            if (err != null) {
                captured(c, p, reply);
                return invalid(tc, p, dir, err);
            }
            TcpState before = c.getTcpState();
            TcpOutcome o =
                    tcp.packet(
                            state.getTcp(),
                            before,
                            reply ? 1 : 0,
                            p,
                            seenReply,
                            has(c, StatusFlag.ASSURED),
                            now,
                            c.getTimeoutAtMicros());
            if (o.action() != TcpOutcome.Action.REOPEN) {
                captured(c, p, reply); // a reopening packet is the new connection's first
            }
            switch (o.action()) {
                case REOPEN -> {
                    if (tc == existing) {
                        c.setSensors(sensorsBefore);
                        state.setRecent(recentBefore);
                        c.setLastSeenMicros(lastSeenBefore);
                    }
                    return withDestroyed(create(p), existing, "reopened");
                }
                case INVALID -> {
                    if (o.timeoutAtMicros() >= 0) {
                        c.setTimeoutAtMicros(o.timeoutAtMicros());
                    }
                    return invalid(tc, p, dir, o.reason());
                }
                case IGNORE -> {
                    // NF_ACCEPT without refresh or accounting; the packet keeps its ctinfo and may
                    // still mark SEEN_REPLY.
                    c.setHistory(History.add(c.getHistory(), p, reply, false));
                    c.setCtState(ctinfo.toCtState());
                    seenReply(c, reply, changes);
                    return new TrackResult(tc, ctinfo, dir, changes, null, null, false, o.reason());
                }
                case ACCEPT -> {
                    c.setTcpState(o.newState());
                    if (o.newState() != before) {
                        changes.add(Change.TCP_STATE);
                    }
                    if (o.timeoutMicros() >= 0) {
                        c.setTimeoutAtMicros(now + o.timeoutMicros());
                        account(c, p, reply);
                    }
                    if (o.assure()) {
                        setStatus(c, StatusFlag.ASSURED);
                        changes.add(Change.ASSURED);
                    }
                    c.setHistory(History.add(c.getHistory(), p, reply, false));
                    c.setCtState(ctinfo.toCtState());
                    if (o.kill()) {
                        changes.add(Change.DESTROYED);
                        return new TrackResult(
                                null, ctinfo, dir, changes, tc, "reset", false, null);
                    }
                    seenReply(c, reply, changes);
                    return new TrackResult(tc, ctinfo, dir, changes, null, null, false, null);
                }
                default -> throw new IllegalStateException("unknown TCP action " + o.action());
            }
        }

        captured(c, p, reply);
        if (IcmpErrorSupport.isIcmp(proto)) {
            int type = p.getIcmpType() == null ? -1 : p.getIcmpType();
            int expected =
                    reply
                            ? IcmpErrorSupport.inverse(proto, state.getIcmpRequestType())
                            : state.getIcmpRequestType();
            if (type != expected) {
                return invalid(
                        tc,
                        p,
                        dir,
                        "icmp type "
                                + type
                                + " does not belong to this connection (expected "
                                + expected
                                + ")");
            }
            c.setTimeoutAtMicros(
                    now
                            + micros(
                                    proto == IpProtocol.ICMP
                                            ? config.icmpTimeout()
                                            : config.icmpv6Timeout()));
        } else if (proto == IpProtocol.UDP || proto == IpProtocol.UDPLITE) {
            if (seenReply) {
                long extra = micros(config.udpTimeout());
                boolean stream = false;
                if (now > state.getUdpStreamAtMicros()) {
                    // Still active after two seconds: a stream.
                    extra = micros(config.udpStreamTimeout());
                    stream = !has(c, StatusFlag.ASSURED);
                }
                c.setTimeoutAtMicros(now + extra);
                if (stream) {
                    setStatus(c, StatusFlag.ASSURED);
                    changes.add(Change.ASSURED);
                }
            } else {
                c.setTimeoutAtMicros(now + micros(config.udpTimeout()));
            }
        } else {
            c.setTimeoutAtMicros(now + micros(config.genericTimeout()));
        }
        account(c, p, reply);
        c.setHistory(History.add(c.getHistory(), p, reply, false));
        c.setCtState(ctinfo.toCtState());
        seenReply(c, reply, changes);
        return new TrackResult(tc, ctinfo, dir, changes, null, null, false, null);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ICMP errors (nf_conntrack_inet_error)

    private TrackResult icmpError(TrackedConnection existing, PacketRecord p) {
        Tuple quoted = p.getIcmpQuoted();
        if (quoted == null) {
            return new TrackResult(
                    existing,
                    PacketState.INVALID,
                    null,
                    Set.of(),
                    null,
                    null,
                    false,
                    "ICMP error without a quoted packet");
        }
        if (existing == null || isExpired(existing, p.getTimestampMicros())) {
            return new TrackResult(
                    existing,
                    PacketState.INVALID,
                    null,
                    Set.of(),
                    null,
                    null,
                    false,
                    "ICMP error: no match for quoted " + Tuples.format(quoted));
        }
        // The quoted packet travelled in one direction; the error travels back against it: its
        // direction is the one
        // whose tuple is the quoted tuple inverted, and it must be addressed to that direction's
        // destination.
        Connection c = existing.connection();
        Tuple inverted = Tuples.invert(quoted);
        Direction dir;
        Tuple ctTuple;
        if (Tuples.same(inverted, c.getOrig())) {
            dir = Direction.ORIGINAL;
            ctTuple = c.getOrig();
        } else if (Tuples.same(inverted, c.getReply())) {
            dir = Direction.REPLY;
            ctTuple = c.getReply();
        } else {
            return new TrackResult(
                    existing,
                    PacketState.INVALID,
                    null,
                    Set.of(),
                    null,
                    null,
                    false,
                    "ICMP error: no match for quoted " + Tuples.format(quoted));
        }
        if (!Arrays.equals(Tuples.bytes(p.getDst()), Tuples.bytes(ctTuple.getDst()))) {
            return new TrackResult(
                    existing,
                    PacketState.INVALID,
                    null,
                    Set.of(),
                    null,
                    null,
                    false,
                    "ICMP error: outer daddr mismatch");
        }
        // RELATED; the kernel neither accounts the error on the connection nor refreshes its timer.
        return new TrackResult(
                existing, PacketState.RELATED, dir, Set.of(), null, null, false, null);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    private static TrackResult noConnection(PacketState s, String reason) {
        return new TrackResult(null, s, null, Set.of(), null, null, false, reason);
    }

    /**
     * An INVALID packet of a known connection: not counted (like the kernel), but recorded in
     * invalidPackets/history.
     */
    private static TrackResult invalid(
            TrackedConnection tc, PacketRecord p, Direction dir, String reason) {
        Connection c = tc.connection();
        c.setInvalidPackets(c.getInvalidPackets() + 1);
        c.setCtState(CtState.INVALID);
        c.setHistory(History.add(c.getHistory(), p, dir == Direction.REPLY, true));
        return new TrackResult(tc, PacketState.INVALID, dir, Set.of(), null, null, false, reason);
    }

    private static TrackResult withDestroyed(
            TrackResult r, TrackedConnection destroyed, String reason) {
        EnumSet<Change> changes = EnumSet.of(Change.DESTROYED);
        changes.addAll(r.changes());
        return new TrackResult(
                r.connection(),
                r.packetState(),
                r.direction(),
                changes,
                destroyed,
                reason,
                r.duplicate(),
                r.reason());
    }

    private static void seenReply(Connection c, boolean reply, Set<Change> changes) {
        if (reply && !has(c, StatusFlag.SEEN_REPLY)) {
            setStatus(c, StatusFlag.SEEN_REPLY);
            changes.add(Change.SEEN_REPLY);
        }
    }

    /** The kernel's acct extension: packets and IP total length per direction. */
    /**
     * Every packet of the connection, as a packet analyzer counts it (tshark's conversations,
     * Zeek's conn.log): the kernel's counters ({@link #account}) leave out what its TCP tracking
     * ignores or finds invalid, e.g. the retransmissions of an unanswered SYN, which Linux 6.18
     * does not count on a connection it confirmed.
     */
    private static void captured(Connection c, PacketRecord p, boolean reply) {
        if (reply) {
            c.setReplyPacketsCaptured(c.getReplyPacketsCaptured() + 1);
        } else {
            c.setOrigPacketsCaptured(c.getOrigPacketsCaptured() + 1);
        }
    }

    private static void account(Connection c, PacketRecord p, boolean reply) {
        if (reply) {
            c.setReplyPackets(c.getReplyPackets() + 1);
            c.setReplyBytes(c.getReplyBytes() + p.getIpTotalLength());
        } else {
            c.setOrigPackets(c.getOrigPackets() + 1);
            c.setOrigBytes(c.getOrigBytes() + p.getIpTotalLength());
        }
    }

    static boolean has(Connection c, StatusFlag f) {
        return c.getStatus().contains(f);
    }

    private static void setStatus(Connection c, StatusFlag f) {
        List<StatusFlag> s = new ArrayList<>(c.getStatus());
        if (!s.contains(f)) {
            s.add(f);
            Collections.sort(s);
            c.setStatus(s);
        }
    }

    private static void addSensor(Connection c, String sensor) {
        List<String> s = c.getSensors();
        if (!s.contains(sensor)) {
            List<String> sorted = new ArrayList<>(s);
            sorted.add(sensor);
            Collections.sort(sorted);
            c.setSensors(sorted);
        }
    }

    /**
     * Deterministic connection id: the first 8 bytes, in hex, of SHA-256 over the original tuple
     * and the first-seen timestamp. The same input gives the same id; a later connection on the
     * same tuple gets another.
     */
    public static String connectionId(Tuple orig, long firstSeenMicros) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(64);
            b.putInt(orig.getIpVersion())
                    .putInt(orig.getProtocol())
                    .putInt(orig.getSrcPort())
                    .putInt(orig.getDstPort())
                    .putLong(firstSeenMicros);
            md.update(b.array(), 0, b.position());
            md.update(Tuples.bytes(orig.getSrc()));
            md.update("/".getBytes(StandardCharsets.US_ASCII));
            md.update(Tuples.bytes(orig.getDst()));
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Structural checks; a description of the first problem, or null. */
    private static String malformed(PacketRecord p) {
        if (p.getSensorId() == null) {
            return "no sensor id";
        }
        int len = p.getIpVersion() == 4 ? 4 : p.getIpVersion() == 6 ? 16 : -1;
        if (len < 0) {
            return "IP version " + p.getIpVersion();
        }
        if (p.getSrc() == null
                || p.getDst() == null
                || p.getSrc().limit() != len
                || p.getDst().limit() != len) {
            return "address length does not match IPv" + p.getIpVersion();
        }
        if (p.getProtocol() < 0 || p.getProtocol() > 255) {
            return "protocol " + p.getProtocol();
        }
        if (p.getSrcPort() < 0
                || p.getSrcPort() > 0xffff
                || p.getDstPort() < 0
                || p.getDstPort() > 0xffff) {
            return "port out of range";
        }
        if (p.getIpTotalLength() < 0 || p.getPayloadLength() < 0) {
            return "negative length";
        }
        if (p.getProtocol() == IpProtocol.ICMP && p.getIpVersion() != 4
                || p.getProtocol() == IpProtocol.ICMPV6 && p.getIpVersion() != 6) {
            return "ICMP protocol " + p.getProtocol() + " over IPv" + p.getIpVersion();
        }
        return null;
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }
}
