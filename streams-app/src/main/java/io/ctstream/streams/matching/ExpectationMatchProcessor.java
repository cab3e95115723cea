package io.ctstream.streams.matching;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.avro.internal.MatchSlot;
import io.ctstream.avro.internal.NewConnection;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.limits.CountedStore;
import io.ctstream.streams.limits.LimitsConfig;
import io.ctstream.streams.limits.OverflowAlerts;
import io.ctstream.streams.timers.DeadlineIndex;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Runs the {@link ExpectationMatcher} on the match topic, which is keyed by expected destination so
 * that an expectation (announced on its master's partition) and the connection that fulfils it (on
 * its own flow's partition) meet here, whichever instance owns either flow.
 *
 * <p>Every lifecycle event goes to {@link #TO_EXPECTATIONS} keyed by expectation id (so one
 * expectation's events stay in order on one partition). FULFILLED also goes back through {@link
 * #TO_FEEDBACK}, keyed by flow, to the new connection (it becomes RELATED) and to the master (its
 * helper frees the slot); EXPIRED goes back to the master too.
 *
 * <p>Decisions wait for the <em>safe time</em> ({@link TrackerWatermarks}): the event time every
 * tracker task has passed, from the progress records each sends to every match partition after its
 * own records. A new connection waits in {@link PendingConnections} until the safe time passes its
 * first packet plus the grace, and is then decided against the expectations of its destination;
 * expectations end (a {@link DeadlineIndex} of the slots) when the safe time passes their end plus
 * the grace. Nothing depends on the wall clock, on how far apart the partitions are, or on the
 * order in which their records arrive: a replay at any speed, on any number of partitions, gives
 * the same events.
 */
public final class ExpectationMatchProcessor
        implements Processor<String, MatchInput, Object, Object> {
    public static final String STORE = "expectation-match";

    /** The slots' timer index ({@link DeadlineIndex}: 8-byte deadline + slot key). */
    public static final String DEADLINES = "expectation-match-deadline-index";

    public static final String LIMITS = "expectation-match-limits";

    /** New connections waiting for their decision ({@link PendingConnections}). */
    public static final String PENDING = "expectation-match-pending";

    /** Every tracker's progress and the safe time ({@link TrackerWatermarks}). */
    public static final String PROGRESS = "expectation-match-progress";

    public static final String TO_EXPECTATIONS = "to-expectations";
    public static final String TO_FEEDBACK = "to-feedback";
    public static final String TO_ALERTS = "matcher-to-alerts";

    /**
     * Reason of the REJECTED a full table gives an expectation the tracker had already announced
     * (and whose pinhole the tracker has already opened: the policy revokes it).
     */
    public static final String REJECTED_TABLE_FULL = "match-slots";

    /** How many of the soonest-due slots a full table advances early before refusing the input. */
    private static final int EARLY_ADVANCES = 4;

    private final ExpectationMatcher matcher;
    private final LimitsConfig limits;
    private final MeterRegistry meters;
    private ProcessorContext<Object, Object> context;
    private CountedStore<String, MatchSlot> slots;
    private DeadlineIndex deadlines;
    private PendingConnections pending;
    private TrackerWatermarks watermarks;
    private OverflowAlerts overflows;
    private String taskSubject;

    public ExpectationMatchProcessor(
            MatcherConfig config, LimitsConfig limits, MeterRegistry meters) {
        this.matcher = new ExpectationMatcher(config);
        this.limits = limits;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.slots = new CountedStore<>(context.getStateStore(STORE));
        this.deadlines = new DeadlineIndex(context.getStateStore(DEADLINES));
        this.overflows = new OverflowAlerts(context.getStateStore(LIMITS), limits, meters);
        this.pending = new PendingConnections(context.getStateStore(PENDING));
        // The lateness is the grace: the skew between sensors it already allows for, within one
        // tracker's partition.
        this.watermarks =
                new TrackerWatermarks(
                        context.getStateStore(PROGRESS), matcher.config().graceMicros());
        this.taskSubject = "task-" + context.taskId();
    }

    @Override
    public void process(Record<String, MatchInput> record) {
        String key = record.key();
        MatchInput in = record.value();
        if (key == null || in == null || fieldsSet(in) > 1) {
            count("malformed-match-input");
            return;
        }
        if (in.getProgress() != null) {
            advanceTo(watermarks.onProgress(in.getProgress()));
            return;
        }
        if (in.getExpectation() == null && in.getConnection() == null) {
            // A tick: the end of a finite input, for every tracker at once (StreamTimeTicks).
            meters.counter("ctstream.matcher.ticks").increment();
            advanceTo(watermarks.onTick(record.timestamp() * 1000));
            return;
        }
        if (in.getConnection() != null) {
            onConnection(in);
            return;
        }
        ExpectationEvent e = in.getExpectation();
        MatchSlot before = migrate(key, slots.get(key));
        if (before == null && e.getType() == ExpectationEventType.CREATED && !roomForSlot(in)) {
            return;
        }
        if (e.getType() == ExpectationEventType.CREATED
                && watermarks.safeMicros() >= matcher.decisionTime(e.getCreatedMicros())) {
            // Connections it might have matched are decided already; it can still match later ones.
            count("late-expectation");
        }
        save(key, before, matcher.onExpectation(before, e, sink()));
    }

    private static int fieldsSet(MatchInput in) {
        return (in.getExpectation() != null ? 1 : 0)
                + (in.getConnection() != null ? 1 : 0)
                + (in.getProgress() != null ? 1 : 0);
    }

    /**
     * A new connection waits for its decision, or is decided at once when it arrives after its
     * decision time.
     */
    private void onConnection(MatchInput in) {
        NewConnection c = in.getConnection();
        if (watermarks.safeMicros() >= matcher.decisionTime(c.getTimestampMicros())) {
            count("late-connection");
            decide(c);
            return;
        }
        if (pending.size() >= matcher.config().maxPending()) {
            count("pending-table-full");
            overflows
                    .overflow(
                            "match-pending",
                            AlertTypes.CONNECTION_LIMIT,
                            taskSubject,
                            1,
                            c.getTimestampMicros(),
                            Alert.newBuilder()
                                    .setSource(c.getOrig().getSrc())
                                    .setSensorId(c.getSensorId()),
                            "expectation matcher: "
                                    + matcher.config().maxPending()
                                    + " new connections already wait for a decision in this task: new connection not matched")
                    .ifPresent(
                            a ->
                                    context.forward(
                                            new Record<>(
                                                    a.getAlertId(),
                                                    a,
                                                    Math.max(0, c.getTimestampMicros() / 1000)),
                                            TO_ALERTS));
            return;
        }
        pending.add(c);
    }

    /**
     * The safe time moved to {@code safeMicros}: connections whose decision time it passed are
     * decided, oldest first; then expectations past their end plus the grace get their terminal
     * event. Connections go first: one stamped before an expectation's end is due no later than
     * that expectation.
     */
    private void advanceTo(long safeMicros) {
        if (safeMicros == Long.MIN_VALUE) {
            return;
        }
        long graceMicros = matcher.config().graceMicros();
        for (NewConnection c : pending.takeUpTo(safeMicros - graceMicros)) {
            decide(c);
        }
        expire(safeMicros);
    }

    private void decide(NewConnection c) {
        String key = MatchKeys.of(c.getOrig());
        MatchSlot before = migrate(key, slots.get(key));
        if (before != null) {
            save(key, before, matcher.decide(before, c, sink()));
        }
    }

    /**
     * A slot written by a version that kept new connections and provisional claims in the slot
     * itself: they wait for their decision in the pending table now, and the slot keeps only
     * expectations.
     */
    private MatchSlot migrate(String key, MatchSlot slot) {
        if (slot == null || (slot.getPending().isEmpty() && slot.getClaims().isEmpty())) {
            return slot;
        }
        slot.getPending().forEach(pending::add);
        slot.getClaims().forEach(claim -> pending.add(claim.getConnection()));
        MatchSlot migrated =
                slot.getExpectations().isEmpty()
                        ? null
                        : new MatchSlot(slot.getExpectations(), List.of(), List.of());
        if (migrated == null) {
            save(key, slot, null);
        } else {
            slots.put(key, migrated);
        }
        return migrated;
    }

    /**
     * The table holds {@code maxMatchSlots} destinations: the slots due soonest are advanced to
     * their deadline early (ended expectations get their terminal event), a few at most; if that
     * frees nothing the expectation is refused: REJECTED back to its master.
     */
    private boolean roomForSlot(MatchInput in) {
        for (int i = 0; i < EARLY_ADVANCES && slots.size() >= limits.maxMatchSlots(); i++) {
            Optional<DeadlineIndex.Entry> soonest = deadlines.first();
            if (soonest.isEmpty()) {
                break;
            }
            String slot = slotKey(soonest.get());
            MatchSlot before = slots.get(slot);
            if (before == null) {
                deadlines.remove(soonest.get().deadlineMicros(), soonest.get().id());
                continue;
            }
            count("slot-table-early-advance");
            save(slot, before, matcher.advance(before, soonest.get().deadlineMicros(), sink()));
        }
        if (slots.size() < limits.maxMatchSlots()) {
            return true;
        }
        ExpectationEvent e = in.getExpectation();
        long now = e.getTimestampMicros();
        String what = "expectation refused";
        Alert.Builder alert =
                Alert.newBuilder()
                        .setHelper(e.getHelper())
                        .setMaster(e.getMaster())
                        .setAnnounced(e.getExpected())
                        .setSensorId(e.getSensorId())
                        .setEvidence(e.getEvidence());
        emit(
                ExpectationMatcher.ended(
                        e,
                        ExpectationEventType.REJECTED,
                        e.getTimestampMicros(),
                        REJECTED_TABLE_FULL));
        count("slot-table-full");
        overflows
                .overflow(
                        "match-slots",
                        AlertTypes.CONNECTION_LIMIT,
                        taskSubject,
                        1,
                        now,
                        alert,
                        "expectation matcher table full ("
                                + limits.maxMatchSlots()
                                + " destinations per task): "
                                + what)
                .ifPresent(
                        a ->
                                context.forward(
                                        new Record<>(a.getAlertId(), a, Math.max(0, now / 1000)),
                                        TO_ALERTS));
        return false;
    }

    private void expire(long safeMicros) {
        for (DeadlineIndex.Entry d : deadlines.due(safeMicros)) {
            String slot = slotKey(d);
            MatchSlot before = slots.get(slot);
            // Removed whatever comes next: an entry of a slot advanced early, emptied by a decision
            // or migrated from the
            // old layout may not be where the slot's next deadline is now; save() indexes the slot
            // again.
            deadlines.remove(d.deadlineMicros(), d.id());
            if (before != null) {
                save(slot, before, matcher.advance(before, safeMicros, sink()));
            }
        }
    }

    private void save(String key, MatchSlot before, MatchSlot after) {
        long oldDeadline = matcher.nextDeadline(before);
        long newDeadline = matcher.nextDeadline(after);
        byte[] id = key.getBytes(StandardCharsets.UTF_8);
        if (oldDeadline != newDeadline && oldDeadline != Long.MAX_VALUE) {
            deadlines.remove(oldDeadline, id);
        }
        if (newDeadline != Long.MAX_VALUE) {
            deadlines.add(newDeadline, id);
        }
        if (after == null) {
            slots.delete(key);
        } else {
            slots.put(key, after);
        }
    }

    private static String slotKey(DeadlineIndex.Entry e) {
        return new String(e.id(), StandardCharsets.UTF_8);
    }

    private ExpectationMatcher.Sink sink() {
        return new ExpectationMatcher.Sink() {
            @Override
            public void expectation(ExpectationEvent event) {
                emit(event);
            }

            @Override
            public void dropped(String reason) {
                count(reason);
            }
        };
    }

    private void emit(ExpectationEvent event) {
        long ts = Math.max(0, event.getTimestampMicros() / 1000);
        context.forward(new Record<>(event.getExpectationId(), event, ts), TO_EXPECTATIONS);
        meters.counter(
                        "ctstream.expectations",
                        "helper",
                        event.getHelper(),
                        "event",
                        event.getType().name().toLowerCase(Locale.ROOT))
                .increment();
        if (event.getType() == ExpectationEventType.FULFILLED) {
            FlowKey child = FlowKeys.of(event.getFulfilledBy().getOrig());
            context.forward(new Record<>(child, event, ts), TO_FEEDBACK);
        }
        if (event.getType() != ExpectationEventType.CREATED) {
            FlowKey master = FlowKeys.of(event.getMaster().getOrig());
            context.forward(new Record<>(master, event, ts), TO_FEEDBACK);
        }
    }

    private void count(String reason) {
        meters.counter("ctstream.matcher.dropped", "reason", reason).increment();
    }
}
