package io.ctstream.streams.tracking;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.CtState;
import io.ctstream.avro.Direction;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.StatusFlag;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.avro.internal.NewConnection;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.conntrack.Change;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.conntrack.TrackResult;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.helper.HelperAvro;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.helper.channel.ControlChannelState;
import io.ctstream.streams.helper.channel.TcpSegment;
import io.ctstream.streams.limits.CountedStore;
import io.ctstream.streams.limits.LimitsConfig;
import io.ctstream.streams.limits.OverflowAlerts;
import io.ctstream.streams.matching.MatchKeys;
import io.ctstream.streams.policy.PinholeVerdicts;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The conntrack table of one partition: runs every packet of a flow through the
 * {@link ConnectionTracker} and, for helper connections, the {@link ControlChannelAnalyzer}; emits
 * conntrack events, the helpers' expectations (to the matcher), refusals and alerts; applies the
 * matcher's feedback (a new connection becomes RELATED; a master's expectation stops counting);
 * and times connections out on stream time.
 *
 * <p>Inputs share the flow key and therefore the partition: packets from the capture agents and
 * feedback from the matcher. Both are handled here so that one task owns a flow's whole state.
 */
public final class ConnectionTrackingProcessor implements Processor<FlowKey, Object, Object, Object> {
    public static final String CONNECTIONS = "connections";
    public static final String CONNECTION_DEADLINES = "connection-deadlines";
    public static final String CONTROL_CHANNELS = "control-channels";
    public static final String LIVE_EXPECTATIONS = "live-expectations";
    public static final String LIMITS = "tracker-limits";

    public static final String TO_CONN_EVENTS = "to-conn-events";
    public static final String TO_MATCH = "to-match";
    public static final String TO_EXPECTATIONS = "to-expectations-rejected";
    public static final String TO_ALERTS = "to-alerts";
    /** Signed ALLOWs of the expectations created here (only with a policy): see {@link PinholeVerdicts}. */
    public static final String TO_VERDICTS = "tracker-to-verdicts";

    static final Duration PUNCTUATE_EVERY = Duration.ofSeconds(1);
    private static final int TCP = 6;

    private final ConnectionTracker tracker;
    private final ControlChannelAnalyzer analyzer;
    private final LimitsConfig limits;
    private final MeterRegistry meters;
    private final PinholeVerdicts pinholes; // null without a policy
    private final FlowKeySerde keySerde = new FlowKeySerde();

    private ProcessorContext<Object, Object> context;
    private CountedStore<FlowKey, TrackedConnection> connections;
    private KeyValueStore<String, FlowKey> deadlines;
    private KeyValueStore<FlowKey, ControlChannelState> channels;
    private CountedStore<String, ExpectationEvent> liveExpectations;
    private OverflowAlerts overflows;
    private String taskSubject;

    public ConnectionTrackingProcessor(ConnectionTracker tracker, ControlChannelAnalyzer analyzer, LimitsConfig limits,
                                       MeterRegistry meters) {
        this(tracker, analyzer, limits, meters, null);
    }

    /** With {@code pinholes} (a policy), the ALLOWs of each expectation created here go to {@link #TO_VERDICTS}. */
    public ConnectionTrackingProcessor(ConnectionTracker tracker, ControlChannelAnalyzer analyzer, LimitsConfig limits,
                                       MeterRegistry meters, PinholeVerdicts pinholes) {
        this.tracker = tracker;
        this.analyzer = analyzer;
        this.limits = limits;
        this.meters = meters;
        this.pinholes = pinholes;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.connections = new CountedStore<>(context.getStateStore(CONNECTIONS));
        this.deadlines = context.getStateStore(CONNECTION_DEADLINES);
        this.channels = context.getStateStore(CONTROL_CHANNELS);
        this.liveExpectations = new CountedStore<>(context.getStateStore(LIVE_EXPECTATIONS));
        this.overflows = new OverflowAlerts(context.getStateStore(LIMITS), limits, meters);
        this.taskSubject = "task-" + context.taskId();
        context.schedule(PUNCTUATE_EVERY, PunctuationType.STREAM_TIME, this::expire);
    }

    @Override
    public void process(Record<FlowKey, Object> record) {
        if (record.key() == null) {
            count("ctstream.tracker.rejected", "reason", "null-key");
            return;
        }
        if (record.value() instanceof PacketRecord p) {
            onPacket(record.key(), p);
        } else if (record.value() instanceof ExpectationEvent e) {
            onFeedback(record.key(), e);
        } else {
            count("ctstream.tracker.rejected", "reason", record.value() == null ? "null-value" : "unknown-value");
        }
    }

    // ------------------------------------------------------------------------------------ packets

    private void onPacket(FlowKey key, PacketRecord p) {
        TrackedConnection before = connections.get(key);
        TrackResult r = tracker.track(before, p);
        count("ctstream.tracker.packets", "state", r.packetState().name().toLowerCase(Locale.ROOT),
                "duplicate", Boolean.toString(r.duplicate()));
        if (r.has(Change.DESTROYED) && r.destroyed() != null) {
            destroyed(key, r.destroyed().connection(), p.getTimestampMicros(), r.destroyReason());
        }
        TrackedConnection after = r.connection();
        if (after == null) {
            if (before != null && !r.has(Change.DESTROYED)) {
                forget(key, before);
            }
            return;
        }
        if (before == null && !admit(key, after, p)) {
            return;
        }
        boolean created = r.has(Change.CREATED);
        if (created && analyzer.config().helperFor(HelperEvents.connTuple(after.connection().getOrig())).isPresent()) {
            after.connection().setHelper(analyzer.config().helperFor(
                    HelperEvents.connTuple(after.connection().getOrig())).get().name().toLowerCase(Locale.ROOT));
        }
        long ts = p.getTimestampMicros();
        if (created) {
            emitConnectionEvent(key, ConnectionEventType.NEW, ts, null, after.connection());
            if (after.connection().getOrig().getProtocol() == TCP) {
                NewConnection nc = new NewConnection(after.connection().getId(), key, after.connection().getOrig(), ts,
                        p.getSensorId());
                context.forward(new Record<>(MatchKeys.of(nc.getOrig()), new MatchInput(null, nc), millis(ts)), TO_MATCH);
            }
        }
        String reason = updateReason(r);
        if (!created && reason != null) {
            emitConnectionEvent(key, ConnectionEventType.UPDATE, ts, reason, after.connection());
        }
        if (after.connection().getHelper() != null && p.getProtocol() == TCP && !r.duplicate()
                && r.packetState() != io.ctstream.streams.conntrack.PacketState.INVALID && r.direction() != null) {
            runHelper(key, after.connection(), r.direction(), p);
        }
        save(key, before, after);
    }

    private static String updateReason(TrackResult r) {
        StringJoiner j = new StringJoiner(",");
        if (r.has(Change.TCP_STATE)) {
            j.add("tcp-state");
        }
        if (r.has(Change.SEEN_REPLY)) {
            j.add("seen-reply");
        }
        if (r.has(Change.ASSURED)) {
            j.add("assured");
        }
        return j.length() == 0 ? null : j.toString();
    }

    private void runHelper(FlowKey key, Connection master, Direction direction, PacketRecord p) {
        HelperContext ctx = HelperContext.of(master.getId(), HelperEvents.connTuple(master.getOrig()));
        ControlChannelState state = channels.get(key);
        if (state == null) {
            state = analyzer.newState(ctx);
        }
        byte[] payload = io.ctstream.schemas.FlowKeys.bytes(p.getPayload());
        TcpSegment segment = new TcpSegment(p.getTcpSeq(), p.getTcpFlags(), payload,
                Math.max(p.getPayloadLength(), payload.length), p.getTimestampMicros());
        List<HelperOutcome> outcomes = analyzer.onSegment(state, direction, segment, ctx);
        for (HelperOutcome o : outcomes) {
            count("ctstream.helper.outcomes", "helper", o.helper(), "outcome", o.getClass().getSimpleName());
            if (o instanceof HelperOutcome.ExpectationRequest req) {
                ExpectationEvent createdEvent = HelperAvro.created(req, ctx, p.getSensorId());
                if (liveExpectations.size() >= limits.maxExpectations()) {
                    refuseExpectation(state, master, createdEvent);
                } else {
                    liveExpectations.put(liveKey(key, req.expectationId()), createdEvent);
                    toMatcher(createdEvent);
                    openPinholes(createdEvent);
                }
            } else if (o instanceof HelperOutcome.ExpectationEviction ev) {
                ExpectationEvent createdEvent = liveExpectations.get(liveKey(key, ev.evictedExpectationId()));
                if (createdEvent != null) {
                    liveExpectations.delete(liveKey(key, ev.evictedExpectationId()));
                    toMatcher(HelperEvents.evicted(createdEvent, ev));
                }
                perMasterOverflow(master, createdEvent, ev);
            } else if (o instanceof HelperOutcome.Refusal refusal) {
                HelperAvro.rejected(refusal, ctx, p.getSensorId()).ifPresent(rejected -> {
                    // the matcher counts the other expectation events; a refused one never reaches it
                    count("ctstream.expectations", "helper", rejected.getHelper(), "event", "rejected");
                    context.forward(new Record<>(rejected.getExpectationId(), rejected,
                            millis(rejected.getTimestampMicros())), TO_EXPECTATIONS);
                });
            }
            HelperAvro.alert(o, ctx, p.getSensorId()).ifPresent(this::alert);
        }
        channels.put(key, state);
    }

    // ------------------------------------------------------------------------------------ table caps

    /**
     * A new connection needs a slot in a full table: like the kernel's early_drop, the soonest-timing-out
     * connection that is not ASSURED (half-open, unreplied) among the first {@code earlyDropScan} makes room;
     * if every one of them is ASSURED the new connection is not tracked ("table full, dropping packet").
     */
    private boolean admit(FlowKey key, TrackedConnection created, PacketRecord p) {
        if (connections.size() < limits.maxConnections()) {
            return true;
        }
        long now = p.getTimestampMicros();
        boolean dropped = earlyDrop(now);
        String message = dropped
                ? "connection table full (" + limits.maxConnections() + " per task): an unassured connection was dropped"
                : "connection table full (" + limits.maxConnections() + " per task), no unassured connection to drop: "
                        + "new connection not tracked";
        count("ctstream.tracker.table.full", "result", dropped ? "early-drop" : "refused");
        overflows.overflow("conntrack-max", AlertTypes.CONNECTION_LIMIT, taskSubject, 1, now,
                Alert.newBuilder().setSource(p.getSrc()).setSensorId(p.getSensorId()), message).ifPresent(this::alert);
        return dropped;
    }

    private boolean earlyDrop(long nowMicros) {
        FlowKey victim = null;
        TrackedConnection victimConn = null;
        String victimDeadline = null;
        try (KeyValueIterator<String, FlowKey> it = deadlines.all()) {
            for (int i = 0; i < limits.earlyDropScan() && it.hasNext(); i++) {
                KeyValue<String, FlowKey> d = it.next();
                TrackedConnection tc = connections.get(d.value);
                if (tc != null && !tc.connection().getStatus().contains(StatusFlag.ASSURED)) {
                    victim = d.value;
                    victimConn = tc;
                    victimDeadline = d.key;
                    break;
                }
            }
        }
        if (victim == null) {
            return false;
        }
        deadlines.delete(victimDeadline);
        connections.delete(victim);
        destroyed(victim, victimConn.connection(), nowMicros, "early-drop");
        return true;
    }

    /** The task holds {@code maxExpectations} live expectations (nf_ct_expect_max): refused, not evicting. */
    private void refuseExpectation(ControlChannelState state, Connection master, ExpectationEvent created) {
        analyzer.onExpectationClosed(state, created.getExpectationId());
        ExpectationEvent rejected = ExpectationEvent.newBuilder(created)
                .setType(ExpectationEventType.REJECTED)
                .setReason("expect-max")
                .build();
        context.forward(new Record<>(rejected.getExpectationId(), rejected, millis(rejected.getTimestampMicros())),
                TO_EXPECTATIONS);
        overflows.overflow("expect-max", AlertTypes.EXPECTATION_FLOOD, taskSubject, 1, created.getTimestampMicros(),
                limitAlert(master, created), "expectation table full (" + limits.maxExpectations()
                        + " per task): expectation refused").ifPresent(this::alert);
    }

    /** Every per-master eviction counts; many within one alert interval are an expectation flood. */
    private void perMasterOverflow(Connection master, ExpectationEvent evicted, HelperOutcome.ExpectationEviction ev) {
        Alert.Builder a = evicted != null ? limitAlert(master, evicted)
                : Alert.newBuilder().setHelper(ev.helper()).setMaster(ref(master));
        overflows.overflow("max-expected", AlertTypes.EXPECTATION_FLOOD, "master-" + master.getId(),
                limits.floodEvictions(), ev.timestampMicros(), a,
                "at least " + limits.floodEvictions() + " expectations of this master evicted ('" + ev.reason()
                        + "') within " + limits.alertIntervalMicros() / 1_000_000 + " s")
                .ifPresent(this::alert);
    }

    private static Alert.Builder limitAlert(Connection master, ExpectationEvent e) {
        ByteBuffer source = e.getDirection() == Direction.ORIGINAL ? master.getOrig().getSrc() : master.getOrig().getDst();
        return Alert.newBuilder().setHelper(e.getHelper()).setMaster(ref(master)).setSource(source)
                .setAnnounced(e.getExpected()).setEvidence(e.getEvidence()).setSensorId(e.getSensorId());
    }

    private static ConnectionRef ref(Connection c) {
        return new ConnectionRef(c.getId(), c.getOrig());
    }

    private void toMatcher(ExpectationEvent e) {
        context.forward(new Record<>(MatchKeys.of(e.getExpected()), new MatchInput(e, null), millis(e.getTimestampMicros())),
                TO_MATCH);
    }

    /**
     * The pinholes of an expectation, decided in the transaction that creates it, so that they are visible
     * at this task's next commit rather than two exactly-once hops later (issue 16, {@link PinholeVerdicts}).
     */
    private void openPinholes(ExpectationEvent created) {
        if (pinholes != null) {
            List<Record<String, io.ctstream.avro.Verdict>> allows = pinholes.onCreated(created);
            allows.forEach(v -> context.forward(v, TO_VERDICTS));
            if (!allows.isEmpty() && pinholes.commitAtOnce()) {
                context.commit(); // a request: done after this batch, not at the next commit interval
            }
        }
    }

    private void alert(Alert a) {
        count("ctstream.alerts", "type", a.getType());
        context.forward(new Record<>(a.getAlertId(), a, millis(a.getTimestampMicros())), TO_ALERTS);
    }

    // ------------------------------------------------------------------------------------ feedback

    private void onFeedback(FlowKey key, ExpectationEvent e) {
        TrackedConnection tracked = connections.get(key);
        if (tracked == null) {
            count("ctstream.tracker.feedback", "result", "no-connection");
            return;
        }
        Connection c = tracked.connection();
        if (e.getType() == ExpectationEventType.FULFILLED && e.getFulfilledBy() != null
                && c.getId().equals(e.getFulfilledBy().getConnectionId())) {
            markRelated(key, tracked, e);
            return;
        }
        if (c.getId().equals(e.getMaster().getConnectionId())) {
            liveExpectations.delete(liveKey(key, e.getExpectationId()));
            ControlChannelState state = channels.get(key);
            if (state != null) {
                analyzer.onExpectationClosed(state, e.getExpectationId());
                channels.put(key, state);
            }
            count("ctstream.tracker.feedback", "result", "master-" + e.getType().name().toLowerCase(Locale.ROOT));
            return;
        }
        // The flow now holds a later connection than the one the feedback is about.
        count("ctstream.tracker.feedback", "result", "stale");
    }

    private void markRelated(FlowKey key, TrackedConnection tracked, ExpectationEvent e) {
        Connection c = tracked.connection();
        c.setMaster(e.getMaster());
        c.setExpectationId(e.getExpectationId());
        List<StatusFlag> status = new ArrayList<>(c.getStatus());
        if (!status.contains(StatusFlag.EXPECTED)) {
            status.add(StatusFlag.EXPECTED);
        }
        c.setStatus(status);
        if (c.getCtState() == CtState.NEW) {
            c.setCtState(CtState.RELATED);
        }
        connections.put(key, tracked);
        count("ctstream.tracker.feedback", "result", "related");
        emitConnectionEvent(key, ConnectionEventType.UPDATE, e.getTimestampMicros(), "related", c);
    }

    // ------------------------------------------------------------------------------------ timeouts

    private void expire(long streamTimeMs) {
        long now = streamTimeMs * 1000;
        List<KeyValue<String, FlowKey>> due = new ArrayList<>();
        try (KeyValueIterator<String, FlowKey> it = deadlines.range(deadlineKey(0, ""), deadlineKey(now, "~"))) {
            it.forEachRemaining(due::add);
        }
        for (KeyValue<String, FlowKey> d : due) {
            deadlines.delete(d.key);
            TrackedConnection tracked = connections.get(d.value);
            if (tracked == null) {
                continue;
            }
            if (ConnectionTracker.isExpired(tracked, now)) {
                Connection last = tracker.expire(tracked, now).orElse(tracked.connection());
                connections.delete(d.value);
                destroyed(d.value, last, last.getTimeoutAtMicros(), "timeout");
            } else {
                deadlines.put(deadlineKey(ConnectionTracker.nextTimeoutMicros(tracked), hex(d.value)), d.value);
            }
        }
    }

    /** A connection is gone: DESTROY event, and its expectations die with it (as in the kernel). */
    private void destroyed(FlowKey key, Connection last, long atMicros, String reason) {
        emitConnectionEvent(key, ConnectionEventType.DESTROY, atMicros, reason, last);
        List<KeyValue<String, ExpectationEvent>> live = new ArrayList<>();
        try (KeyValueIterator<String, ExpectationEvent> it = liveExpectations.store().prefixScan(hex(key) + "|",
                new org.apache.kafka.common.serialization.StringSerializer())) {
            it.forEachRemaining(live::add);
        }
        for (KeyValue<String, ExpectationEvent> kv : live) {
            liveExpectations.delete(kv.key);
            if (kv.value.getMaster().getConnectionId().equals(last.getId())) {
                toMatcher(HelperEvents.masterDestroyed(kv.value, atMicros));
            }
        }
        channels.delete(key);
        overflows.forget("max-expected", "master-" + last.getId());
    }

    private void forget(FlowKey key, TrackedConnection before) {
        connections.delete(key);
        deadlines.delete(deadlineKey(ConnectionTracker.nextTimeoutMicros(before), hex(key)));
    }

    private void save(FlowKey key, TrackedConnection before, TrackedConnection after) {
        String hex = hex(key);
        long newDeadline = ConnectionTracker.nextTimeoutMicros(after);
        if (before != null) {
            long oldDeadline = ConnectionTracker.nextTimeoutMicros(before);
            if (oldDeadline != newDeadline) {
                deadlines.delete(deadlineKey(oldDeadline, hex));
            }
        }
        deadlines.put(deadlineKey(newDeadline, hex), key);
        connections.put(key, after);
    }

    // ------------------------------------------------------------------------------------ helpers

    private void emitConnectionEvent(FlowKey key, ConnectionEventType type, long atMicros, String reason, Connection c) {
        ConnectionEvent event = new ConnectionEvent(type, atMicros, reason, Connection.newBuilder(c).build());
        count("ctstream.conn.events", "type", type.name().toLowerCase(Locale.ROOT));
        context.forward(new Record<>(key, event, millis(atMicros)), TO_CONN_EVENTS);
    }

    private String hex(FlowKey key) {
        return HexFormat.of().formatHex(keySerde.serialize(null, key));
    }

    private String liveKey(FlowKey master, String expectationId) {
        return hex(master) + "|" + expectationId;
    }

    /** Fixed-width so that the store's lexicographic order is time order. */
    static String deadlineKey(long micros, String hexKey) {
        return String.format("%019d|%s", Math.max(0, micros), hexKey);
    }

    private static long millis(long micros) {
        return Math.max(0, micros / 1000);
    }

    private void count(String name, String... tags) {
        meters.counter(name, tags).increment();
    }
}
