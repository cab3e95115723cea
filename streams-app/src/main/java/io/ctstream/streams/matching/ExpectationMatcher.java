package io.ctstream.streams.matching;

import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.Tuple;
import io.ctstream.avro.internal.Claim;
import io.ctstream.avro.internal.MatchSlot;
import io.ctstream.avro.internal.NewConnection;
import java.util.ArrayList;
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
 *   <li>Expectations are one-shot: a connection claims the oldest live expectation it matches, and
 *   the earliest-stamped connection wins a contested claim. A claim is final (FULFILLED) once
 *   stream time passes the connection's timestamp plus the grace, so an eviction stamped before
 *   the connection but processed after it still cancels it. The RELATED classification is
 *   therefore published a grace period of stream time after the connection began; pinholes do not
 *   wait for it (they follow CREATED).</li>
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
        State st = new State(slot);
        switch (event.getType()) {
            case CREATED -> {
                if (indexOf(st.live, event.getExpectationId()) >= 0) {
                    sink.dropped("duplicate-expectation");
                    break;
                }
                sink.expectation(event);
                if (st.live.size() >= config.maxExpectationsPerSlot()) {
                    // A flood guard, not a protocol rule: the oldest ends at once.
                    ExpectationEvent oldest = st.live.remove(0);
                    Claim lost = st.claimOf(oldest.getExpectationId());
                    if (lost != null) {
                        st.claims.remove(lost);
                        st.pending.add(lost.getConnection());
                    }
                    sink.dropped("slot-expectation-limit");
                    sink.expectation(ended(oldest, ExpectationEventType.EVICTED, event.getTimestampMicros(), "slot-limit"));
                }
                st.live.add(event);
                NewConnection early = firstMatching(st.pending, event);
                if (early != null) {
                    st.pending.remove(early);
                    st.claims.add(new Claim(event.getExpectationId(), early));
                }
            }
            case EVICTED, MASTER_DESTROYED -> {
                int i = indexOf(st.live, event.getExpectationId());
                if (i < 0) {
                    // Already fulfilled or expired here; its single terminal event was sent then.
                    sink.dropped("already-ended");
                    break;
                }
                if (st.live.get(i).getType() != ExpectationEventType.CREATED) {
                    sink.dropped("already-ending");
                    break;
                }
                // Scheduled, not final: a connection stamped before this end may still be on its way.
                ExpectationEvent ending = ended(st.live.get(i), event.getType(), event.getTimestampMicros(), event.getReason());
                st.live.set(i, ending);
                Claim claim = st.claimOf(ending.getExpectationId());
                if (claim != null && !matches(ending, claim.getConnection(), config.graceMicros())) {
                    // The claiming connection began after the end: it never belonged to this expectation.
                    st.claims.remove(claim);
                    place(st, claim.getConnection(), sink);
                }
            }
            default -> sink.dropped("unexpected-event-" + event.getType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return st.slot();
    }

    /** A connection the tracker has just created. */
    public MatchSlot onConnection(MatchSlot slot, NewConnection connection, Sink sink) {
        State st = new State(slot);
        place(st, connection, sink);
        return st.slot();
    }

    /**
     * Claims the oldest live expectation the connection matches (taking it from a later-stamped
     * claimant, which is placed again), or leaves the connection pending.
     */
    private void place(State st, NewConnection connection, Sink sink) {
        for (ExpectationEvent e : st.live) {
            if (!matches(e, connection, config.graceMicros())) {
                continue;
            }
            Claim existing = st.claimOf(e.getExpectationId());
            if (existing == null) {
                st.claims.add(new Claim(e.getExpectationId(), connection));
                return;
            }
            if (connection.getTimestampMicros() < existing.getConnection().getTimestampMicros()) {
                st.claims.remove(existing);
                st.claims.add(new Claim(e.getExpectationId(), connection));
                place(st, existing.getConnection(), sink);
                return;
            }
        }
        if (st.pending.size() >= config.maxPendingPerSlot()) {
            st.pending.remove(0);
            sink.dropped("pending-limit");
        }
        st.pending.add(connection);
    }

    /**
     * Stream time moved on: claims older than the grace become FULFILLED, expectations past their
     * end plus the grace get their terminal event, and unclaimed connections past the grace are
     * forgotten.
     */
    public MatchSlot advance(MatchSlot slot, long streamTimeMicros, Sink sink) {
        if (slot == null) {
            return null;
        }
        State st = new State(slot);
        long grace = config.graceMicros();
        for (Claim c : new ArrayList<>(st.claims)) {
            if (streamTimeMicros >= c.getConnection().getTimestampMicros() + grace) {
                int i = indexOf(st.live, c.getExpectationId());
                st.claims.remove(c);
                if (i >= 0) {
                    sink.expectation(fulfilled(st.live.remove(i), c.getConnection()));
                }
            }
        }
        List<ExpectationEvent> live = new ArrayList<>();
        for (ExpectationEvent e : st.live) {
            if (streamTimeMicros < endMicros(e) + grace || st.claimOf(e.getExpectationId()) != null) {
                live.add(e);
            } else if (e.getType() == ExpectationEventType.CREATED || e.getExpiresAtMicros() <= e.getTimestampMicros()) {
                sink.expectation(ended(e, ExpectationEventType.EXPIRED, e.getExpiresAtMicros(), "timeout"));
            } else {
                sink.expectation(e);
            }
        }
        st.live.clear();
        st.live.addAll(live);
        st.pending.removeIf(c -> streamTimeMicros >= c.getTimestampMicros() + grace);
        return st.slot();
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
        for (Claim c : slot.getClaims()) {
            next = Math.min(next, c.getConnection().getTimestampMicros() + config.graceMicros());
        }
        return next;
    }

    /** The slot as three mutable lists, written back as one record (or null when empty). */
    private static final class State {
        final List<ExpectationEvent> live;
        final List<NewConnection> pending;
        final List<Claim> claims;

        State(MatchSlot slot) {
            live = new ArrayList<>(slot == null ? List.of() : slot.getExpectations());
            pending = new ArrayList<>(slot == null ? List.of() : slot.getPending());
            claims = new ArrayList<>(slot == null ? List.of() : slot.getClaims());
        }

        Claim claimOf(String expectationId) {
            for (Claim c : claims) {
                if (c.getExpectationId().equals(expectationId)) {
                    return c;
                }
            }
            return null;
        }

        MatchSlot slot() {
            if (live.isEmpty() && pending.isEmpty() && claims.isEmpty()) {
                return null;
            }
            return new MatchSlot(live, pending, claims);
        }
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
}
