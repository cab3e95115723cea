package io.ctstream.streams.matching;

import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.Tuple;
import io.ctstream.avro.internal.MatchSlot;
import io.ctstream.avro.internal.NewConnection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Matches expectations with the new connections that fulfil them, for one expected destination
 * (one {@link MatchSlot}), in event time. Pure: the Kafka Streams processor owns the store and the
 * clock and calls these methods with the slot it read; each returns the slot to write back (null
 * when nothing is left to keep).
 *
 * <p>Rules, as the kernel's nf_conntrack_expect plus what a distributed pipeline needs:
 * <ul>
 *   <li>A connection fulfils an expectation when its original tuple matches the expected tuple
 *   (a null source address or port is a wildcard) and its first packet's timestamp lies in the
 *   expectation's life: from {@code created − grace} to its end (its timeout, or the event time
 *   at which its master's helper evicted it or its master died). The grace covers a connection
 *   stamped or processed before its expectation (another partition or sensor is behind).</li>
 *   <li>Decisions follow event time, not the order records happen to arrive in: an eviction or a
 *   master's death only schedules the end; the expectation stays matchable, for connections
 *   stamped before that end, until stream time passes {@code end + grace}. Only then is the
 *   terminal event (EVICTED, MASTER_DESTROYED, EXPIRED) published. So a data connection processed
 *   after the command that evicted its expectation still becomes RELATED when it began first.</li>
 *   <li>Expectations are one-shot: the oldest matching one is fulfilled and removed.</li>
 *   <li>A connection no expectation claims waits up to the grace (stream time) for one, then is
 *   forgotten: it is simply NEW.</li>
 *   <li>Every expectation gets exactly one terminal event.</li>
 * </ul>
 */
public final class ExpectationMatcher {

    /** Where the matcher's decisions go. */
    public interface Sink {
        /** A lifecycle event to publish: CREATED, FULFILLED, EVICTED, EXPIRED or MASTER_DESTROYED. */
        void expectation(ExpectationEvent event);

        /** Something the matcher had to drop or ignore, by reason (counted by the caller). */
        void dropped(String reason);
    }

    private final MatcherConfig config;

    public ExpectationMatcher(MatcherConfig config) {
        this.config = config;
    }

    public MatcherConfig config() {
        return config;
    }

    /** An expectation event from a master's tracker: CREATED, EVICTED or MASTER_DESTROYED. */
    public MatchSlot onExpectation(MatchSlot slot, ExpectationEvent event, Sink sink) {
        List<ExpectationEvent> live = new ArrayList<>(slot == null ? List.of() : slot.getExpectations());
        List<NewConnection> pending = new ArrayList<>(slot == null ? List.of() : slot.getPending());
        switch (event.getType()) {
            case CREATED -> {
                if (indexOf(live, event.getExpectationId()) >= 0) {
                    sink.dropped("duplicate-expectation");
                    break;
                }
                sink.expectation(event);
                NewConnection early = firstMatching(pending, event);
                if (early != null) {
                    pending.remove(early);
                    sink.expectation(fulfilled(event, early));
                    break;
                }
                if (live.size() >= config.maxExpectationsPerSlot()) {
                    // A flood guard, not a protocol rule: the oldest ends at once.
                    ExpectationEvent oldest = live.remove(0);
                    sink.dropped("slot-expectation-limit");
                    sink.expectation(ended(oldest, ExpectationEventType.EVICTED, event.getTimestampMicros(), "slot-limit"));
                }
                live.add(event);
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
                // Scheduled, not final: a connection stamped before this end may still be on its way.
                live.set(i, ended(live.get(i), event.getType(), event.getTimestampMicros(), event.getReason()));
            }
            default -> sink.dropped("unexpected-event-" + event.getType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return slot(live, pending);
    }

    /** A connection the tracker has just created. */
    public MatchSlot onConnection(MatchSlot slot, NewConnection connection, Sink sink) {
        List<ExpectationEvent> live = new ArrayList<>(slot == null ? List.of() : slot.getExpectations());
        List<NewConnection> pending = new ArrayList<>(slot == null ? List.of() : slot.getPending());
        for (Iterator<ExpectationEvent> it = live.iterator(); it.hasNext(); ) {
            ExpectationEvent e = it.next();
            if (matches(e, connection, config.graceMicros())) {
                it.remove();
                sink.expectation(fulfilled(e, connection));
                return slot(live, pending);
            }
        }
        if (pending.size() >= config.maxPendingPerSlot()) {
            pending.remove(0);
            sink.dropped("pending-limit");
        }
        pending.add(connection);
        return slot(live, pending);
    }

    /** Stream time moved on: expire expectations and forget unclaimed connections past the grace. */
    public MatchSlot advance(MatchSlot slot, long streamTimeMicros, Sink sink) {
        if (slot == null) {
            return null;
        }
        long grace = config.graceMicros();
        List<ExpectationEvent> live = new ArrayList<>();
        for (ExpectationEvent e : slot.getExpectations()) {
            if (streamTimeMicros < endMicros(e) + grace) {
                live.add(e);
            } else if (e.getType() == ExpectationEventType.CREATED || e.getExpiresAtMicros() <= e.getTimestampMicros()) {
                sink.expectation(ended(e, ExpectationEventType.EXPIRED, e.getExpiresAtMicros(), "timeout"));
            } else {
                sink.expectation(e);
            }
        }
        List<NewConnection> pending = new ArrayList<>();
        for (NewConnection c : slot.getPending()) {
            if (streamTimeMicros < c.getTimestampMicros() + grace) {
                pending.add(c);
            }
        }
        return slot(live, pending);
    }

    /** The stream time at which {@link #advance} next has work for this slot, or Long.MAX_VALUE. */
    public long nextDeadline(MatchSlot slot) {
        long next = Long.MAX_VALUE;
        if (slot == null) {
            return next;
        }
        for (ExpectationEvent e : slot.getExpectations()) {
            next = Math.min(next, endMicros(e) + config.graceMicros());
        }
        for (NewConnection c : slot.getPending()) {
            next = Math.min(next, c.getTimestampMicros() + config.graceMicros());
        }
        return next;
    }

    /** Does the connection fulfil the expectation, wildcards and event-time window included? */
    public static boolean matches(ExpectationEvent e, NewConnection c, long graceMicros) {
        ExpectedTuple x = e.getExpected();
        Tuple o = c.getOrig();
        long ts = c.getTimestampMicros();
        return x.getIpVersion() == o.getIpVersion()
                && x.getProtocol() == o.getProtocol()
                && x.getDstPort() == o.getDstPort()
                && x.getDst().equals(o.getDst())
                && (x.getSrc() == null || x.getSrc().equals(o.getSrc()))
                && (x.getSrcPort() == null || x.getSrcPort() == o.getSrcPort())
                && ts >= e.getCreatedMicros() - graceMicros
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

    private NewConnection firstMatching(List<NewConnection> pending, ExpectationEvent e) {
        for (NewConnection c : pending) {
            if (matches(e, c, config.graceMicros())) {
                return c;
            }
        }
        return null;
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

    static ExpectationEvent ended(ExpectationEvent created, ExpectationEventType type, long at, String reason) {
        return ExpectationEvent.newBuilder(created)
                .setType(type)
                .setTimestampMicros(at)
                .setReason(reason)
                .build();
    }

    private static MatchSlot slot(List<ExpectationEvent> live, List<NewConnection> pending) {
        if (live.isEmpty() && pending.isEmpty()) {
            return null;
        }
        return new MatchSlot(live, pending);
    }
}
