package io.ctstream.streams.matching;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.avro.internal.MatchSlot;
import io.ctstream.avro.Alert;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.limits.CountedStore;
import io.ctstream.streams.limits.LimitsConfig;
import io.ctstream.streams.limits.OverflowAlerts;
import io.ctstream.streams.timers.DeadlineIndex;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Runs the {@link ExpectationMatcher} on the match topic, which is keyed by expected destination so
 * that an expectation (announced on its master's partition) and the connection that fulfils it (on
 * its own flow's partition) meet here, whichever instance owns either flow.
 *
 * <p>Every lifecycle event goes to {@link #TO_EXPECTATIONS} keyed by expectation id (so one
 * expectation's events stay in order on one partition). FULFILLED also goes back through
 * {@link #TO_FEEDBACK}, keyed by flow, to the new connection (it becomes RELATED) and to the master
 * (its helper frees the slot); EXPIRED goes back to the master too.
 *
 * <p>Timeouts run on stream time: a {@link DeadlineIndex} of the slots is range-scanned by a
 * STREAM_TIME punctuator, so nothing depends on the wall clock and a replay at any speed gives
 * the same events.
 */
public final class ExpectationMatchProcessor implements Processor<String, MatchInput, Object, Object> {
    public static final String STORE = "expectation-match";
    /** The slots' timer index ({@link DeadlineIndex}: 8-byte deadline + slot key). */
    public static final String DEADLINES = "expectation-match-deadline-index";
    public static final String LIMITS = "expectation-match-limits";
    public static final String TO_EXPECTATIONS = "to-expectations";
    public static final String TO_FEEDBACK = "to-feedback";
    public static final String TO_ALERTS = "matcher-to-alerts";
    /**
     * Reason of the REJECTED a full table gives an expectation the tracker had already announced (and whose
     * pinhole the tracker has already opened: the policy revokes it).
     */
    public static final String REJECTED_TABLE_FULL = "match-slots";
    static final Duration PUNCTUATE_EVERY = Duration.ofSeconds(1);
    /** How many of the soonest-due slots a full table advances early before refusing the input. */
    private static final int EARLY_ADVANCES = 4;

    private final ExpectationMatcher matcher;
    private final LimitsConfig limits;
    private final MeterRegistry meters;
    private ProcessorContext<Object, Object> context;
    private CountedStore<String, MatchSlot> slots;
    private DeadlineIndex deadlines;
    private OverflowAlerts overflows;
    private String taskSubject;

    public ExpectationMatchProcessor(MatcherConfig config, LimitsConfig limits, MeterRegistry meters) {
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
        this.taskSubject = "task-" + context.taskId();
        context.schedule(PUNCTUATE_EVERY, PunctuationType.STREAM_TIME, this::expire);
    }

    @Override
    public void process(Record<String, MatchInput> record) {
        String key = record.key();
        MatchInput in = record.value();
        if (key == null || in == null || (in.getExpectation() != null && in.getConnection() != null)) {
            count("malformed-match-input");
            return;
        }
        if (in.getExpectation() == null && in.getConnection() == null) {
            // A tick: its timestamp has already advanced stream time, which is all it is for.
            meters.counter("ctstream.matcher.ticks").increment();
            return;
        }
        MatchSlot before = slots.get(key);
        boolean createsSlot = in.getConnection() != null || in.getExpectation().getType() == ExpectationEventType.CREATED;
        if (before == null && createsSlot && !roomForSlot(in)) {
            return;
        }
        MatchSlot after = in.getExpectation() != null
                ? matcher.onExpectation(before, in.getExpectation(), sink())
                : matcher.onConnection(before, in.getConnection(), sink());
        save(key, before, after);
    }

    /**
     * The table holds {@code maxMatchSlots} destinations: the slots due soonest are advanced to their
     * deadline early (their claims become final, ended expectations get their terminal event, waiting
     * connections are forgotten), a few at most; if that frees nothing the input is refused: a connection
     * is not matched (it stays NEW), an expectation is REJECTED back to its master.
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
        long now = in.getExpectation() != null ? in.getExpectation().getTimestampMicros()
                : in.getConnection().getTimestampMicros();
        String what;
        Alert.Builder alert = Alert.newBuilder();
        if (in.getExpectation() != null) {
            ExpectationEvent e = in.getExpectation();
            what = "expectation refused";
            alert.setHelper(e.getHelper()).setMaster(e.getMaster()).setAnnounced(e.getExpected())
                    .setSensorId(e.getSensorId()).setEvidence(e.getEvidence());
            if (e.getType() == ExpectationEventType.CREATED) {
                emit(ExpectationMatcher.ended(e, ExpectationEventType.REJECTED, e.getTimestampMicros(), REJECTED_TABLE_FULL));
            }
        } else {
            what = "new connection not matched";
            alert.setSource(in.getConnection().getOrig().getSrc()).setSensorId(in.getConnection().getSensorId());
        }
        count("slot-table-full");
        overflows.overflow("match-slots", AlertTypes.CONNECTION_LIMIT, taskSubject, 1, now, alert,
                "expectation matcher table full (" + limits.maxMatchSlots() + " destinations per task): " + what)
                .ifPresent(a -> context.forward(new Record<>(a.getAlertId(), a, Math.max(0, now / 1000)), TO_ALERTS));
        return false;
    }

    private void expire(long streamTimeMs) {
        long nowMicros = streamTimeMs * 1000;
        for (DeadlineIndex.Entry d : deadlines.due(nowMicros)) {
            String slot = slotKey(d);
            MatchSlot before = slots.get(slot);
            if (before == null) {
                // Advanced early by a full table: its deadline entry went with it.
                deadlines.remove(d.deadlineMicros(), d.id());
                continue;
            }
            save(slot, before, matcher.advance(before, nowMicros, sink()));
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
        meters.counter("ctstream.expectations", "helper", event.getHelper(), "event",
                event.getType().name().toLowerCase(java.util.Locale.ROOT)).increment();
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
