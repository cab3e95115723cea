package io.ctstream.streams.tracking;

import io.ctstream.avro.Alert;
import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.CtState;
import io.ctstream.avro.Direction;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.StatusFlag;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.avro.internal.NewConnection;
import io.ctstream.avro.internal.TrackerProgress;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.IpProtocol;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.conntrack.Change;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.conntrack.PacketState;
import io.ctstream.streams.conntrack.TrackResult;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.helper.HelperAvro;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.helper.channel.ControlChannelState;
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
import java.util.Optional;
import java.util.StringJoiner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The conntrack table of one partition: runs every packet of a flow through the {@link
 * ConnectionTracker} and, for helper connections, the {@link ControlChannelAnalyzer}; emits
 * conntrack events, the helpers' expectations (to the matcher), refusals and alerts; applies the
 * matcher's feedback (a new connection becomes RELATED; a master's expectation stops counting); and
 * times connections out on stream time.
 *
 * <p>Inputs share the flow key and therefore the partition: packets from the capture agents and
 * feedback from the matcher. Both are handled here so that one task owns a flow's whole state.
 */
public final class ConnectionTrackingProcessor
        implements Processor<FlowKey, TrackerInput, Object, Object> {
    public static final String CONNECTIONS = "connections";

    /** The connections' timer index ({@link ConnectionTable}): 8-byte deadline + flow key bytes. */
    public static final String CONNECTION_DEADLINES = "connection-deadline-index";

    public static final String CONTROL_CHANNELS = "control-channels";
    public static final String LIVE_EXPECTATIONS = "live-expectations";
    public static final String LIMITS = "tracker-limits";

    /**
     * Connections destroyed before the matcher could claim them ({@link DestroyedConnections}), and
     * their purge index.
     */
    public static final String DESTROYED = "destroyed-connections";

    public static final String DESTROYED_PURGES = "destroyed-connection-purge-index";

    public static final String TO_CONN_EVENTS = "to-conn-events";
    public static final String TO_MATCH = "to-match";
    public static final String TO_EXPECTATIONS = "to-expectations-rejected";
    public static final String TO_ALERTS = "to-alerts";

    /**
     * Signed ALLOWs of the expectations created here (only with a policy): see {@link
     * PinholeVerdicts}.
     */
    public static final String TO_VERDICTS = "tracker-to-verdicts";

    static final Duration PUNCTUATE_EVERY = Duration.ofSeconds(1);

    /** The wall-clock beat of progress reports to the matcher ({@link TrackerProgressReporter}). */
    static final Duration PROGRESS_EVERY = Duration.ofMillis(200);

    private final ConnectionTracker tracker;
    private final ControlChannelAnalyzer analyzer;
    private final LimitsConfig limits;
    private final MeterRegistry registry;
    private final PinholeVerdicts pinholes; // null without a policy
    private final int packetPartitions; // 0: not known
    private final FlowKeySerde keySerde = new FlowKeySerde();

    private ProcessorContext<Object, Object> context;
    private TrackerMeters meters;
    private ConnectionTable table;
    private ConnectionAdmission admission;
    private KeyValueStore<FlowKey, ControlChannelState> channels;
    private CountedStore<String, ExpectationEvent> liveExpectations;
    private OverflowAlerts overflows;
    private TrackerProgressReporter progress;
    private DestroyedConnections destroyedConnections;

    public ConnectionTrackingProcessor(
            ConnectionTracker tracker,
            ControlChannelAnalyzer analyzer,
            LimitsConfig limits,
            MeterRegistry meters) {
        this(tracker, analyzer, limits, meters, null, 0);
    }

    /**
     * With {@code pinholes} (a policy), the ALLOWs of each expectation created here go to {@link
     * #TO_VERDICTS}.
     */
    public ConnectionTrackingProcessor(
            ConnectionTracker tracker,
            ControlChannelAnalyzer analyzer,
            LimitsConfig limits,
            MeterRegistry meters,
            PinholeVerdicts pinholes) {
        this(tracker, analyzer, limits, meters, pinholes, 0);
    }

    /**
     * As above; {@code packetPartitions} is the partition count of the packets topic (0: not
     * known), which tells the matcher how many trackers' progress it waits for ({@link
     * TrackerProgressReporter}).
     */
    public ConnectionTrackingProcessor(
            ConnectionTracker tracker,
            ControlChannelAnalyzer analyzer,
            LimitsConfig limits,
            MeterRegistry meters,
            PinholeVerdicts pinholes,
            int packetPartitions) {
        this.packetPartitions = packetPartitions;
        this.tracker = tracker;
        this.analyzer = analyzer;
        this.limits = limits;
        this.registry = meters;
        this.pinholes = pinholes;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.meters = new TrackerMeters(registry);
        this.table =
                new ConnectionTable(
                        context.getStateStore(CONNECTIONS),
                        context.getStateStore(CONNECTION_DEADLINES));
        this.channels = context.getStateStore(CONTROL_CHANNELS);
        this.destroyedConnections =
                new DestroyedConnections(
                        context.getStateStore(DESTROYED), context.getStateStore(DESTROYED_PURGES));
        this.liveExpectations = new CountedStore<>(context.getStateStore(LIVE_EXPECTATIONS));
        this.overflows = new OverflowAlerts(context.getStateStore(LIMITS), limits, registry);
        this.admission =
                new ConnectionAdmission(
                        table, limits, overflows, meters, "task-" + context.taskId());
        context.schedule(PUNCTUATE_EVERY, PunctuationType.STREAM_TIME, this::expire);
        this.progress =
                new TrackerProgressReporter(
                        context.taskId().partition(),
                        packetPartitions,
                        context.currentSystemTimeMs());
        context.schedule(
                PROGRESS_EVERY,
                PunctuationType.WALL_CLOCK_TIME,
                now -> progress.onWallClock(now).ifPresent(this::sendProgress));
    }

    @Override
    public void process(Record<FlowKey, TrackerInput> record) {
        if (record.key() == null) {
            meters.count("ctstream.tracker.rejected", "reason", "null-key");
            return;
        }
        if (record.value() instanceof TrackerInput.Packets p) {
            onPackets(record.key(), p.first());
            progress.afterRecord().ifPresent(this::sendProgress);
        } else if (record.value() instanceof TrackerInput.Feedback f) {
            onFeedback(record.key(), f.event());
        } else {
            meters.count("ctstream.tracker.rejected", "reason", "null-value");
        }
    }

    // ------------------------------------------------------------------------------------ packets

    /**
     * The flow's entry in the connections store while a batch is tracked: read once, written once
     * at the end (and wherever something else could read the store in between), so a batch of N
     * packets costs one store read and one write, not N of each. {@code connection} is what the
     * store would hold after the packets so far.
     */
    private static final class FlowEntry {
        TrackedConnection connection;

        /** The store holds an entry for the key right now. */
        boolean stored;

        /** {@code connection} differs from what the store holds. */
        boolean dirty;
    }

    private void onPackets(FlowKey key, PacketRecord first) {
        PacketBatches.check(first, limits.maxBatchPackets());
        FlowEntry entry = new FlowEntry();
        entry.connection = table.get(key);
        entry.stored = entry.connection != null;
        onPacket(key, entry, first);
        long latest = first.getTimestampMicros();
        for (PacketRecord p : first.getFollowing()) {
            onPacket(key, entry, p);
            latest = p.getTimestampMicros();
        }
        flush(key, entry);
        progress.onPacket(latest, context.currentSystemTimeMs());
    }

    private void onPacket(FlowKey key, FlowEntry entry, PacketRecord p) {
        TrackedConnection before = entry.connection;
        boolean existed = before != null;
        TrackResult r = tracker.trackInPlace(before, p);
        meters.packet(r.packetState(), r.duplicate());
        if (r.has(Change.DESTROYED) && r.destroyed() != null) {
            // Reopened, timed out on arrival, or reset: the old connection leaves the table as the
            // kernel's does.
            table.unindex(key, r.destroyed());
            destroyed(key, r.destroyed().connection(), p.getTimestampMicros(), r.destroyReason());
        }
        TrackedConnection after = r.connection();
        if (after == null) {
            if (existed) {
                entry.connection = null;
                entry.dirty = true;
                if (!r.has(Change.DESTROYED)) {
                    table.unindex(key, before);
                }
            }
            return;
        }
        boolean created = r.has(Change.CREATED);
        if (created) {
            if (!existed) {
                // The store must be current before admission scans it for a victim.
                entry.connection = null;
                entry.dirty = entry.stored;
                flush(key, entry);
                if (!admit(p)) {
                    return;
                }
            }
            assignHelper(after);
        }
        long ts = p.getTimestampMicros();
        if (created) {
            emitConnectionEvent(key, ConnectionEventType.NEW, ts, null, after.connection());
            if (analyzer.expects(after.connection().getOrig().getProtocol())) {
                NewConnection nc =
                        new NewConnection(
                                after.connection().getId(),
                                key,
                                after.connection().getOrig(),
                                ts,
                                p.getSensorId());
                context.forward(
                        new Record<>(
                                MatchKeys.of(nc.getOrig()),
                                new MatchInput(null, nc, null),
                                millis(ts)),
                        TO_MATCH);
            }
        }
        String reason = updateReason(r);
        if (!created && reason != null) {
            emitConnectionEvent(key, ConnectionEventType.UPDATE, ts, reason, after.connection());
        }
        entry.connection = after;
        entry.dirty = true;
        if (after.connection().getHelper() != null
                && (p.getProtocol() == IpProtocol.TCP || p.getProtocol() == IpProtocol.UDP)
                && !r.duplicate()
                && r.packetState() != PacketState.INVALID
                && r.direction() != null) {
            runHelper(key, after.connection(), r.direction(), p);
        }
    }

    private void assignHelper(TrackedConnection after) {
        analyzer.helperFor(HelperEvents.connTuple(after.connection().getOrig()))
                .ifPresent(helper -> after.connection().setHelper(helper.name()));
    }

    private void flush(FlowKey key, FlowEntry entry) {
        if (!entry.dirty) {
            return;
        }
        if (entry.connection != null) {
            table.save(key, entry.connection, entry.stored);
            entry.stored = true;
        } else if (entry.stored) {
            table.delete(key); // its index entry went when the connection did
            entry.stored = false;
        }
        entry.dirty = false;
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
        HelperContext ctx =
                HelperContext.of(master.getId(), HelperEvents.connTuple(master.getOrig()));
        ControlChannelState state = channels.get(key);
        if (state == null) {
            state = analyzer.newState(ctx);
        }
        byte[] payload = FlowKeys.bytes(p.getPayload());
        int length = Math.max(p.getPayloadLength(), payload.length);
        HelperSegment segment =
                p.getProtocol() == IpProtocol.UDP
                        ? HelperSegment.datagram(payload, length, p.getTimestampMicros())
                        : new HelperSegment(
                                p.getTcpSeq(),
                                p.getTcpFlags(),
                                payload,
                                length,
                                p.getTimestampMicros(),
                                (p.getTcpFlags() & HelperSegment.ACK) != 0
                                        ? p.getTcpAck()
                                        : HelperSegment.NO_ACK);
        List<HelperOutcome> outcomes = analyzer.onSegment(state, direction, segment, ctx);
        for (HelperOutcome o : outcomes) {
            count(
                    "ctstream.helper.outcomes",
                    "helper",
                    o.helper(),
                    "outcome",
                    o.getClass().getSimpleName());
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
                ExpectationEvent createdEvent =
                        liveExpectations.get(liveKey(key, ev.evictedExpectationId()));
                if (createdEvent != null) {
                    liveExpectations.delete(liveKey(key, ev.evictedExpectationId()));
                    toMatcher(HelperEvents.evicted(createdEvent, ev));
                }
                perMasterOverflow(master, createdEvent, ev);
            } else if (o instanceof HelperOutcome.Refusal refusal) {
                HelperAvro.rejected(refusal, ctx, p.getSensorId())
                        .ifPresent(
                                rejected -> {
                                    // the matcher counts the other expectation events; a refused
                                    // one never reaches it
                                    count(
                                            "ctstream.expectations",
                                            "helper",
                                            rejected.getHelper(),
                                            "event",
                                            "rejected");
                                    context.forward(
                                            new Record<>(
                                                    rejected.getExpectationId(),
                                                    rejected,
                                                    millis(rejected.getTimestampMicros())),
                                            TO_EXPECTATIONS);
                                });
            } else if (o instanceof HelperOutcome.StreamGap) {
                // master is the connection the caller saves after this packet: the count goes with
                // it
                master.setStreamGaps(master.getStreamGaps() + 1);
            }
            HelperAvro.alert(o, ctx, p.getSensorId()).ifPresent(this::alert);
        }
        channels.put(key, state);
    }

    // ------------------------------------------------------------------------------------ table
    // caps

    /** A new connection needs a slot: see {@link ConnectionAdmission}. */
    private boolean admit(PacketRecord p) {
        ConnectionAdmission.Decision d = admission.admit(p);
        if (d.dropped() != null) {
            destroyed(
                    d.dropped().key(),
                    d.dropped().connection().connection(),
                    p.getTimestampMicros(),
                    "early-drop");
        }
        d.alert().ifPresent(this::alert);
        return d.admitted();
    }

    /**
     * The task holds {@code maxExpectations} live expectations (nf_ct_expect_max): refused, not
     * evicting.
     */
    private void refuseExpectation(
            ControlChannelState state, Connection master, ExpectationEvent created) {
        analyzer.onExpectationClosed(state, created.getExpectationId());
        ExpectationEvent rejected =
                ExpectationEvent.newBuilder(created)
                        .setType(ExpectationEventType.REJECTED)
                        .setReason("expect-max")
                        .build();
        context.forward(
                new Record<>(
                        rejected.getExpectationId(),
                        rejected,
                        millis(rejected.getTimestampMicros())),
                TO_EXPECTATIONS);
        overflows
                .overflow(
                        "expect-max",
                        AlertTypes.EXPECTATION_FLOOD,
                        "task-" + context.taskId(),
                        1,
                        created.getTimestampMicros(),
                        limitAlert(master, created),
                        "expectation table full ("
                                + limits.maxExpectations()
                                + " per task): expectation refused")
                .ifPresent(this::alert);
    }

    /**
     * Every per-master eviction counts; many within one alert interval are an expectation flood.
     */
    private void perMasterOverflow(
            Connection master, ExpectationEvent evicted, HelperOutcome.ExpectationEviction ev) {
        Alert.Builder a =
                evicted != null
                        ? limitAlert(master, evicted)
                        : Alert.newBuilder().setHelper(ev.helper()).setMaster(ref(master));
        overflows
                .overflow(
                        "max-expected",
                        AlertTypes.EXPECTATION_FLOOD,
                        "master-" + master.getId(),
                        limits.floodEvictions(),
                        ev.timestampMicros(),
                        a,
                        "at least "
                                + limits.floodEvictions()
                                + " expectations of this master evicted ('"
                                + ev.reason()
                                + "') within "
                                + limits.alertIntervalMicros() / 1_000_000
                                + " s")
                .ifPresent(this::alert);
    }

    private static Alert.Builder limitAlert(Connection master, ExpectationEvent e) {
        ByteBuffer source =
                e.getDirection() == Direction.ORIGINAL
                        ? master.getOrig().getSrc()
                        : master.getOrig().getDst();
        return Alert.newBuilder()
                .setHelper(e.getHelper())
                .setMaster(ref(master))
                .setSource(source)
                .setAnnounced(e.getExpected())
                .setEvidence(e.getEvidence())
                .setSensorId(e.getSensorId());
    }

    private static ConnectionRef ref(Connection c) {
        return new ConnectionRef(c.getId(), c.getOrig());
    }

    /**
     * Tells every match partition how far this task has got: after everything it wrote there so
     * far.
     */
    private void sendProgress(TrackerProgress p) {
        context.forward(
                new Record<>(
                        "progress",
                        new MatchInput(null, null, p),
                        millis(Math.max(0, p.getEventTimeMicros()))),
                TO_MATCH);
    }

    private void toMatcher(ExpectationEvent e) {
        context.forward(
                new Record<>(
                        MatchKeys.of(e.getExpected()),
                        new MatchInput(e, null, null),
                        millis(e.getTimestampMicros())),
                TO_MATCH);
    }

    /**
     * The pinholes of an expectation, decided in the transaction that creates it, so that they are
     * visible at this task's next commit rather than two exactly-once hops later (issue 16, {@link
     * PinholeVerdicts}).
     */
    private void openPinholes(ExpectationEvent created) {
        if (pinholes != null) {
            List<Record<String, Verdict>> allows = pinholes.onCreated(created);
            allows.forEach(v -> context.forward(v, TO_VERDICTS));
            pinholes.publishTentative(
                    allows); // visible now; the forwarded ALLOWs at this task's commit
            if (!allows.isEmpty() && pinholes.commitAtOnce()) {
                context.commit(); // a request: done after this batch, not at the next commit
                // interval
            }
        }
    }

    private void alert(Alert a) {
        count("ctstream.alerts", "type", a.getType());
        context.forward(new Record<>(a.getAlertId(), a, millis(a.getTimestampMicros())), TO_ALERTS);
    }

    // ------------------------------------------------------------------------------------ feedback

    private void onFeedback(FlowKey key, ExpectationEvent e) {
        TrackedConnection tracked = table.get(key);
        boolean fulfilled =
                e.getType() == ExpectationEventType.FULFILLED && e.getFulfilledBy() != null;
        if (fulfilled
                && (tracked == null
                        || !tracked.connection()
                                .getId()
                                .equals(e.getFulfilledBy().getConnectionId()))) {
            // the data connection is gone already: it still gets its master, in a last DESTROY
            // event
            Optional<DestroyedConnections.Destroyed> gone =
                    destroyedConnections.claim(key, e.getFulfilledBy().getConnectionId());
            if (gone.isPresent()) {
                markDestroyedRelated(key, gone.get(), e);
                return;
            }
        }
        if (tracked == null) {
            count("ctstream.tracker.feedback", "result", "no-connection");
            return;
        }
        Connection c = tracked.connection();
        if (fulfilled && c.getId().equals(e.getFulfilledBy().getConnectionId())) {
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
            count(
                    "ctstream.tracker.feedback",
                    "result",
                    "master-" + e.getType().name().toLowerCase(Locale.ROOT));
            return;
        }
        // The flow now holds a later connection than the one the feedback is about.
        count("ctstream.tracker.feedback", "result", "stale");
    }

    private void markRelated(FlowKey key, TrackedConnection tracked, ExpectationEvent e) {
        Connection c = tracked.connection();
        related(c, e);
        table.save(key, tracked, true);
        count("ctstream.tracker.feedback", "result", "related");
        emitConnectionEvent(key, ConnectionEventType.UPDATE, e.getTimestampMicros(), "related", c);
    }

    /**
     * A FULFILLED for a connection destroyed before it came: its DESTROY event again, with the
     * master (issue 17).
     */
    private void markDestroyedRelated(
            FlowKey key, DestroyedConnections.Destroyed gone, ExpectationEvent e) {
        Connection c = gone.connection();
        related(c, e);
        count("ctstream.tracker.feedback", "result", "related-destroyed");
        // not counted again in the connection-event meters: this connection was counted when it was
        // destroyed
        context.forward(
                new Record<>(
                        key,
                        new ConnectionEvent(
                                ConnectionEventType.DESTROY, gone.atMicros(), gone.reason(), c),
                        millis(gone.atMicros())),
                TO_CONN_EVENTS);
    }

    /**
     * Master, expectation id and EXPECTED status, as the kernel gives an expected connection;
     * RELATED while NEW.
     */
    private static void related(Connection c, ExpectationEvent e) {
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
    }

    // ------------------------------------------------------------------------------------ timeouts

    private void expire(long streamTimeMs) {
        long now = streamTimeMs * 1000;
        for (ConnectionTable.Expired e : table.expireDue(now)) {
            Connection last =
                    tracker.expire(e.connection(), now).orElse(e.connection().connection());
            destroyed(e.key(), last, last.getTimeoutAtMicros(), "timeout");
        }
        destroyedConnections.purge(now);
    }

    /** A connection is gone: DESTROY event, and its expectations die with it (as in the kernel). */
    private void destroyed(FlowKey key, Connection last, long atMicros, String reason) {
        emitConnectionEvent(key, ConnectionEventType.DESTROY, atMicros, reason, last);
        if (DestroyedConnections.claimable(last)) {
            destroyedConnections.keep(
                    key, last, atMicros, reason, context.currentStreamTimeMs() * 1000);
        }
        if (last.getHelper() == null) {
            return; // only a helper's connection has channel state and expectations (runHelper)
        }
        List<KeyValue<String, ExpectationEvent>> live = new ArrayList<>();
        try (KeyValueIterator<String, ExpectationEvent> it =
                liveExpectations.store().prefixScan(hex(key) + "|", new StringSerializer())) {
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

    // ------------------------------------------------------------------------------------ helpers

    private void emitConnectionEvent(
            FlowKey key, ConnectionEventType type, long atMicros, String reason, Connection c) {
        // No copy of c: the sink serializes the event within forward(), before c changes again.
        ConnectionEvent event = new ConnectionEvent(type, atMicros, reason, c);
        meters.event(type);
        context.forward(new Record<>(key, event, millis(atMicros)), TO_CONN_EVENTS);
    }

    private String hex(FlowKey key) {
        return HexFormat.of().formatHex(keySerde.serialize(null, key));
    }

    private String liveKey(FlowKey master, String expectationId) {
        return hex(master) + "|" + expectationId;
    }

    private static long millis(long micros) {
        return Math.max(0, micros / 1000);
    }

    private void count(String name, String... tags) {
        meters.count(name, tags);
    }
}
