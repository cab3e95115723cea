package io.ctstream.streams.matching;

import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.Tuple;
import io.ctstream.avro.internal.MatchSlot;
import io.ctstream.avro.internal.NewConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Matches expectations with the new connections that fulfil them, for one expected destination (one
 * {@link MatchSlot} of live expectations), in event time. Pure: the Kafka Streams processor owns
 * the stores and the clock, and decides <em>when</em> (see {@link ExpectationMatchProcessor}); each
 * method returns the slot to write back (null when nothing is left to keep).
 *
 * <p>Rules, as the kernel's nf_conntrack_expect plus what a distributed pipeline needs:
 *
 * <ul>
 *   <li>A connection fulfils an expectation when its original tuple matches the expected tuple (a
 *       null source address or port is a wildcard) and its first packet's timestamp lies in the
 *       expectation's life: from its creation to its end (its timeout, or the event time at which
 *       its master's helper evicted it or its master died). A connection seen by another sensor
 *       than the announcement may begin up to {@code grace} before it (the two sensors' clocks
 *       differ); one seen by the same sensor must begin after it, as in the kernel.
 *   <li>Nothing is decided on arrival. A connection is decided once every tracker has passed its
 *       first packet by the grace ({@link #decide}, called by the processor in timestamp order,
 *       then connection id): by then every expectation that could match it has arrived, in whatever
 *       order the partitions delivered them. It claims the oldest (creation time, then id) live
 *       expectation it matches, which becomes FULFILLED; if none, it is simply NEW. Earlier-stamped
 *       connections are decided first, so the earliest connection wins a contested expectation.
 *   <li>An eviction or a master's death only schedules the end: the expectation stays matchable,
 *       for connections stamped before that end, until the processor's safe time passes {@code end
 *       + grace}. Only then is the terminal event (EVICTED, MASTER_DESTROYED, EXPIRED) published
 *       ({@link #advance}).
 *   <li>Every expectation gets exactly one terminal event.
 * </ul>
 *
 * Because every decision is a function of the events' timestamps, and is taken only once all events
 * that could change it have arrived, the outcome does not depend on the order in which partitions
 * deliver them (ExpectationMatchPropertyTest).
 */
public final class ExpectationMatcher {

    /** Where the matcher's decisions go. */
    public interface Sink {
        /**
         * A lifecycle event to publish: CREATED, FULFILLED, EVICTED, EXPIRED or MASTER_DESTROYED.
         */
        void expectation(ExpectationEvent event);

        /** Something the matcher had to drop or ignore, by reason (counted by the caller). */
        void dropped(String reason);
    }

    /** Live expectations in claim order: the oldest first. */
    private static final Comparator<ExpectationEvent> OLDEST_FIRST =
            Comparator.comparingLong(ExpectationEvent::getCreatedMicros)
                    .thenComparing(ExpectationEvent::getExpectationId);

    private final MatcherConfig config;

    public ExpectationMatcher(MatcherConfig config) {
        this.config = config;
    }

    public MatcherConfig config() {
        return config;
    }

    /** An expectation event from a master's tracker: CREATED, EVICTED or MASTER_DESTROYED. */
    public MatchSlot onExpectation(MatchSlot slot, ExpectationEvent event, Sink sink) {
        List<ExpectationEvent> live = live(slot);
        switch (event.getType()) {
            case CREATED -> {
                if (indexOf(live, event.getExpectationId()) >= 0) {
                    sink.dropped("duplicate-expectation");
                    break;
                }
                sink.expectation(event);
                live.add(event);
                live.sort(OLDEST_FIRST);
                if (live.size() > config.maxExpectationsPerSlot()) {
                    // A flood guard, not a protocol rule: the oldest ends at once.
                    ExpectationEvent oldest = live.remove(0);
                    sink.dropped("slot-expectation-limit");
                    sink.expectation(
                            ended(
                                    oldest,
                                    ExpectationEventType.EVICTED,
                                    event.getTimestampMicros(),
                                    "slot-limit"));
                }
            }
            case EVICTED, MASTER_DESTROYED -> {
                int i = indexOf(live, event.getExpectationId());
                if (i < 0) {
                    // Already fulfilled or expired here; its single terminal event was sent then.
                    sink.dropped("already-ended");
                    break;
                }
                if (live.get(i).getType() != ExpectationEventType.CREATED) {
                    sink.dropped("already-ending");
                    break;
                }
                // Scheduled, not final: a connection stamped before this end may still be on its
                // way.
                live.set(
                        i,
                        ended(
                                live.get(i),
                                event.getType(),
                                event.getTimestampMicros(),
                                event.getReason()));
            }
            default ->
                    sink.dropped(
                            "unexpected-event-" + event.getType().name().toLowerCase(Locale.ROOT));
        }
        return slot(live);
    }

    /**
     * A new connection's decision, taken once no expectation that could match it can still arrive:
     * it fulfils the oldest live expectation of {@code slot} it matches, or nothing (it stays NEW).
     *
     * @return the slot without the fulfilled expectation
     */
    public MatchSlot decide(MatchSlot slot, NewConnection connection, Sink sink) {
        List<ExpectationEvent> live = live(slot);
        for (int i = 0; i < live.size(); i++) {
            ExpectationEvent e = live.get(i);
            if (matches(e, connection, config.graceMicros())) {
                live.remove(i);
                sink.expectation(fulfilled(e, connection));
                return slot(live);
            }
        }
        return slot;
    }

    /** The safe time at which a connection stamped {@code timestampMicros} is decided. */
    public long decisionTime(long timestampMicros) {
        return timestampMicros + config.graceMicros();
    }

    /**
     * The safe time moved on (every tracker has passed {@code safeMicros}, less the lateness the
     * processor allows): expectations past their end plus the grace get their terminal event.
     */
    public MatchSlot advance(MatchSlot slot, long safeMicros, Sink sink) {
        if (slot == null) {
            return null;
        }
        long grace = config.graceMicros();
        List<ExpectationEvent> live = new ArrayList<>();
        for (ExpectationEvent e : slot.getExpectations()) {
            if (safeMicros < endMicros(e) + grace) {
                live.add(e);
            } else if (e.getType() == ExpectationEventType.CREATED
                    || e.getExpiresAtMicros() <= e.getTimestampMicros()) {
                sink.expectation(
                        ended(e, ExpectationEventType.EXPIRED, e.getExpiresAtMicros(), "timeout"));
            } else {
                sink.expectation(e);
            }
        }
        return slot(live);
    }

    /** The safe time at which {@link #advance} next has work for this slot, or Long.MAX_VALUE. */
    public long nextDeadline(MatchSlot slot) {
        long next = Long.MAX_VALUE;
        if (slot == null) {
            return next;
        }
        for (ExpectationEvent e : slot.getExpectations()) {
            next = Math.min(next, endMicros(e) + config.graceMicros());
        }
        return next;
    }

    private static List<ExpectationEvent> live(MatchSlot slot) {
        return new ArrayList<>(slot == null ? List.of() : slot.getExpectations());
    }

    private static MatchSlot slot(List<ExpectationEvent> live) {
        return live.isEmpty() ? null : new MatchSlot(live, List.of(), List.of());
    }

    /** Does the connection fulfil the expectation, wildcards and event-time window included? */
    public static boolean matches(ExpectationEvent e, NewConnection c, long graceMicros) {
        ExpectedTuple x = e.getExpected();
        Tuple o = c.getOrig();
        long ts = c.getTimestampMicros();
        // One sensor's clock orders its own packets: its data connection cannot precede the
        // announcement.
        long before =
                e.getSensorId() != null && e.getSensorId().equals(c.getSensorId())
                        ? 0
                        : graceMicros;
        return x.getIpVersion() == o.getIpVersion()
                && x.getProtocol() == o.getProtocol()
                && x.getDstPort() == o.getDstPort()
                && x.getDst().equals(o.getDst())
                && (x.getSrc() == null || x.getSrc().equals(o.getSrc()))
                && (x.getSrcPort() == null || x.getSrcPort() == o.getSrcPort())
                && ts >= e.getCreatedMicros() - before
                && ts <= endMicros(e);
    }

    /**
     * When a live expectation ends: its timeout, or earlier the event time of the eviction or
     * master death that was scheduled for it (the slot then holds that event instead of CREATED).
     */
    static long endMicros(ExpectationEvent e) {
        return e.getType() == ExpectationEventType.CREATED
                ? e.getExpiresAtMicros()
                : Math.min(e.getExpiresAtMicros(), e.getTimestampMicros());
    }

    private static int indexOf(List<ExpectationEvent> live, String expectationId) {
        for (int i = 0; i < live.size(); i++) {
            if (live.get(i).getExpectationId().equals(expectationId)) {
                return i;
            }
        }
        return -1;
    }

    static ExpectationEvent fulfilled(ExpectationEvent created, NewConnection c) {
        return ExpectationEvent.newBuilder(created)
                .setType(ExpectationEventType.FULFILLED)
                .setTimestampMicros(c.getTimestampMicros())
                .setFulfilledBy(new ConnectionRef(c.getConnectionId(), c.getOrig()))
                .setReason(null)
                .build();
    }

    static ExpectationEvent ended(
            ExpectationEvent created, ExpectationEventType type, long at, String reason) {
        return ExpectationEvent.newBuilder(created)
                .setType(type)
                .setTimestampMicros(at)
                .setReason(reason)
                .build();
    }
}
