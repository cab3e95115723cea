package io.ctstream.streams.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.Direction;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.Tuple;
import io.ctstream.avro.internal.MatchSlot;
import io.ctstream.avro.internal.NewConnection;
import io.ctstream.schemas.FlowKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectationMatcherTest {
    private static final long SEC = 1_000_000L;
    private static final long T0 = 1_795_314_068L * SEC;
    private static final byte[] CLIENT = {10, 77, 1, 2};
    private static final byte[] SERVER = {10, 77, 2, 2};
    private static final byte[] OTHER = {10, 77, 2, 9};

    private final ExpectationMatcher matcher = new ExpectationMatcher(new MatcherConfig(5 * SEC, 3, 2));
    private final List<ExpectationEvent> events = new ArrayList<>();
    private final List<String> drops = new ArrayList<>();
    private final ExpectationMatcher.Sink sink = new ExpectationMatcher.Sink() {
        @Override
        public void expectation(ExpectationEvent event) {
            events.add(event);
        }

        @Override
        public void dropped(String reason) {
            drops.add(reason);
        }
    };

    /** FTP active mode: the server connects from any port to the client's announced port. */
    private static ExpectationEvent ftpExpectation(String id, long created, byte[] src, int dport) {
        Tuple master = tuple(CLIENT, 54728, SERVER, 21);
        return ExpectationEvent.newBuilder()
                .setExpectationId(id)
                .setType(ExpectationEventType.CREATED)
                .setTimestampMicros(created)
                .setHelper("ftp")
                .setMode(HelperMode.ROBUST)
                .setMaster(new ConnectionRef("master-1", master))
                .setExpected(new ExpectedTuple(4, 6, src == null ? null : ByteBuffer.wrap(src), null,
                        ByteBuffer.wrap(CLIENT), dport))
                .setDirection(Direction.ORIGINAL)
                .setTimeoutSeconds(300)
                .setCreatedMicros(created)
                .setExpiresAtMicros(created + 300 * SEC)
                .build();
    }

    private static NewConnection connection(String id, long ts, byte[] src, int sport, int dport) {
        Tuple orig = tuple(src, sport, CLIENT, dport);
        return new NewConnection(id, FlowKeys.of(orig), orig, ts, "s1");
    }

    private static Tuple tuple(byte[] src, int sport, byte[] dst, int dport) {
        return new Tuple(4, 6, ByteBuffer.wrap(src), sport, ByteBuffer.wrap(dst), dport);
    }

    private static ExpectationEvent typed(ExpectationEvent e, ExpectationEventType type, long at) {
        return ExpectationEvent.newBuilder(e).setType(type).setTimestampMicros(at).setReason("test").build();
    }

    private List<ExpectationEventType> types() {
        return events.stream().map(ExpectationEvent::getType).toList();
    }

    @Test
    void connectionAfterItsExpectationFulfilsIt() {
        MatchSlot slot = matcher.onExpectation(null, ftpExpectation("e1", T0, SERVER, 60315), sink);
        slot = matcher.onConnection(slot, connection("c1", T0 + SEC, SERVER, 20, 60315), sink);
        assertThat(types()).as("a claim, final once the grace has passed").containsExactly(ExpectationEventType.CREATED);
        assertThat(matcher.nextDeadline(slot)).isEqualTo(T0 + 6 * SEC);
        slot = matcher.advance(slot, T0 + 6 * SEC, sink);

        assertThat(types()).containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        ExpectationEvent fulfilled = events.get(1);
        assertThat(fulfilled.getFulfilledBy().getConnectionId()).isEqualTo("c1");
        assertThat(fulfilled.getTimestampMicros()).isEqualTo(T0 + SEC);
        assertThat(slot).as("one-shot: nothing left to keep").isNull();
    }

    @Test
    void pinnedSourceAddressMustMatchButWildcardSourcePortMatchesAny() {
        MatchSlot slot = matcher.onExpectation(null, ftpExpectation("e1", T0, SERVER, 60315), sink);
        slot = matcher.onConnection(slot, connection("c-other", T0 + SEC, OTHER, 20, 60315), sink);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED);

        slot = matcher.onConnection(slot, connection("c-any-port", T0 + 2 * SEC, SERVER, 40123, 60315), sink);
        matcher.advance(slot, T0 + 7 * SEC, sink);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(events.get(1).getFulfilledBy().getConnectionId()).isEqualTo("c-any-port");
    }

    @Test
    void wildcardSourceAddressMatchesAnySender() {
        MatchSlot slot = matcher.onExpectation(null, ftpExpectation("irc", T0, null, 40001), sink);
        slot = matcher.onConnection(slot, connection("c1", T0 + SEC, OTHER, 51000, 40001), sink);
        matcher.advance(slot, T0 + 6 * SEC, sink);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
    }

    @Test
    void connectionProcessedBeforeItsExpectationStillMatchesWithinTheGrace() {
        // The data connection's partition ran ahead of the control connection's: its SYN is
        // processed first, and it is even stamped 2 s before the PORT (skewed sensor clocks).
        MatchSlot slot = matcher.onConnection(null, connection("c1", T0 - 2 * SEC, SERVER, 20, 60315), sink);
        assertThat(events).isEmpty();
        slot = matcher.onExpectation(slot, ftpExpectation("e1", T0, SERVER, 60315), sink);
        slot = matcher.advance(slot, T0 + 3 * SEC, sink);

        assertThat(types()).containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(events.get(1).getFulfilledBy().getConnectionId()).isEqualTo("c1");
        assertThat(slot).isNull();
    }

    @Test
    void connectionStampedBeforeTheGraceDoesNotMatch() {
        MatchSlot slot = matcher.onConnection(null, connection("c1", T0 - 6 * SEC, SERVER, 20, 60315), sink);
        slot = matcher.onExpectation(slot, ftpExpectation("e1", T0, SERVER, 60315), sink);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED);
        assertThat(slot.getExpectations()).hasSize(1);
    }

    @Test
    void expectationsAreOneShot() {
        MatchSlot slot = matcher.onExpectation(null, ftpExpectation("e1", T0, SERVER, 60315), sink);
        slot = matcher.onConnection(slot, connection("c1", T0 + SEC, SERVER, 20, 60315), sink);
        slot = matcher.onConnection(slot, connection("c2", T0 + 2 * SEC, SERVER, 20, 60315), sink);
        assertThat(slot.getPending()).extracting(NewConnection::getConnectionId).containsExactly("c2");
        slot = matcher.advance(slot, T0 + 6 * SEC, sink);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(events.get(1).getFulfilledBy().getConnectionId()).isEqualTo("c1");
    }

    @Test
    void expiresAfterTimeoutPlusGraceAndThenMatchesNothing() {
        ExpectationEvent e = ftpExpectation("e1", T0, SERVER, 60315);
        MatchSlot slot = matcher.onExpectation(null, e, sink);
        assertThat(matcher.nextDeadline(slot)).isEqualTo(T0 + 305 * SEC);

        slot = matcher.advance(slot, T0 + 304 * SEC, sink);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED);
        slot = matcher.advance(slot, T0 + 305 * SEC, sink);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED, ExpectationEventType.EXPIRED);
        assertThat(events.get(1).getTimestampMicros()).as("expired at its own deadline, in event time")
                .isEqualTo(T0 + 300 * SEC);
        assertThat(slot).isNull();
    }

    @Test
    void connectionAfterExpiresAtDoesNotMatchEvenBeforeTheExpiryIsProcessed() {
        MatchSlot slot = matcher.onExpectation(null, ftpExpectation("e1", T0, SERVER, 60315), sink);
        matcher.onConnection(slot, connection("late", T0 + 301 * SEC, SERVER, 20, 60315), sink);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED);
    }

    @Test
    void evictionEndsAnExpectationOnceTheGraceHasPassed() {
        ExpectationEvent e1 = ftpExpectation("e1", T0, SERVER, 60315);
        MatchSlot slot = matcher.onExpectation(null, e1, sink);
        slot = matcher.onExpectation(slot, typed(e1, ExpectationEventType.EVICTED, T0 + SEC), sink);
        assertThat(types()).as("the end is scheduled, not yet final").containsExactly(ExpectationEventType.CREATED);
        assertThat(matcher.nextDeadline(slot)).isEqualTo(T0 + 6 * SEC);

        slot = matcher.onExpectation(slot, typed(e1, ExpectationEventType.MASTER_DESTROYED, T0 + 2 * SEC), sink);
        assertThat(drops).containsExactly("already-ending");

        slot = matcher.onConnection(slot, connection("after-end", T0 + 3 * SEC, SERVER, 20, 60315), sink);
        assertThat(types()).as("a connection that began after the eviction does not match")
                .containsExactly(ExpectationEventType.CREATED);

        slot = matcher.advance(slot, T0 + 6 * SEC, sink);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED, ExpectationEventType.EVICTED);
        assertThat(events.get(1).getTimestampMicros()).as("evicted at its own event time").isEqualTo(T0 + SEC);
        assertThat(slot.getExpectations()).isEmpty();

        matcher.onExpectation(slot, typed(e1, ExpectationEventType.EVICTED, T0 + 7 * SEC), sink);
        assertThat(drops).containsExactly("already-ending", "already-ended");
    }

    @Test
    void connectionThatBeganBeforeTheEvictionFulfilsEvenWhenProcessedAfterIt() {
        // EPRT #1, its data connection at T0+1s, EPRT #2 at T0+2s evicting #1 — but the tracker of the
        // control connection ran ahead, so the matcher sees the eviction before the data connection.
        ExpectationEvent e1 = ftpExpectation("e1", T0, SERVER, 60315);
        MatchSlot slot = matcher.onExpectation(null, e1, sink);
        slot = matcher.onExpectation(slot, typed(e1, ExpectationEventType.EVICTED, T0 + 2 * SEC), sink);
        slot = matcher.onConnection(slot, connection("data", T0 + SEC, SERVER, 20, 60315), sink);
        matcher.advance(slot, T0 + 60 * SEC, sink);

        assertThat(types()).as("exactly one terminal event").containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(events.get(1).getFulfilledBy().getConnectionId()).isEqualTo("data");
    }

    @Test
    void connectionThatBeganAfterTheEvictionDoesNotFulfilEvenWhenProcessedBeforeIt() {
        // ftp-pasv-twice: PASV #1, PASV #2 at T0+1s evicts #1, then the client connects to #1's
        // port at T0+2s — but the data connection's partition ran ahead of the control's.
        ExpectationEvent e1 = ftpExpectation("e1", T0, SERVER, 60315);
        MatchSlot slot = matcher.onExpectation(null, e1, sink);
        slot = matcher.onConnection(slot, connection("late", T0 + 2 * SEC, SERVER, 20, 60315), sink);
        slot = matcher.onExpectation(slot, typed(e1, ExpectationEventType.EVICTED, T0 + SEC), sink);
        matcher.advance(slot, T0 + 60 * SEC, sink);

        assertThat(types()).containsExactly(ExpectationEventType.CREATED, ExpectationEventType.EVICTED);
    }

    @Test
    void theEarliestConnectionWinsAContestedClaim() {
        MatchSlot slot = matcher.onExpectation(null, ftpExpectation("e1", T0, SERVER, 60315), sink);
        slot = matcher.onConnection(slot, connection("second", T0 + 2 * SEC, SERVER, 20, 60315), sink);
        slot = matcher.onConnection(slot, connection("first", T0 + SEC, SERVER, 21, 60315), sink);
        matcher.advance(slot, T0 + 60 * SEC, sink);
        assertThat(events.get(1).getFulfilledBy().getConnectionId()).isEqualTo("first");
    }

    @Test
    void unclaimedConnectionsAreForgottenAfterTheGraceAndBounded() {
        MatchSlot slot = null;
        for (int i = 0; i < 4; i++) {
            slot = matcher.onConnection(slot, connection("c" + i, T0 + i * SEC, SERVER, 20 + i, 60315), sink);
        }
        assertThat(slot.getPending()).extracting(NewConnection::getConnectionId).containsExactly("c1", "c2", "c3");
        assertThat(drops).containsExactly("pending-limit");
        assertThat(matcher.nextDeadline(slot)).isEqualTo(T0 + 6 * SEC);

        slot = matcher.advance(slot, T0 + 7 * SEC, sink);
        assertThat(slot.getPending()).extracting(NewConnection::getConnectionId).containsExactly("c3");
        assertThat(events).isEmpty();
    }

    @Test
    void slotCapEvictsTheOldestExpectation() {
        MatchSlot slot = matcher.onExpectation(null, ftpExpectation("e1", T0, SERVER, 60315), sink);
        slot = matcher.onExpectation(slot, ftpExpectation("e2", T0 + 1, SERVER, 60315), sink);
        slot = matcher.onExpectation(slot, ftpExpectation("e3", T0 + 2, SERVER, 60315), sink);
        assertThat(slot.getExpectations()).extracting(ExpectationEvent::getExpectationId).containsExactly("e2", "e3");
        assertThat(events).filteredOn(e -> e.getType() == ExpectationEventType.EVICTED)
                .extracting(ExpectationEvent::getExpectationId).containsExactly("e1");
        assertThat(drops).containsExactly("slot-expectation-limit");
    }

    @Test
    void oldestMatchingExpectationIsFulfilledFirst() {
        MatchSlot slot = matcher.onExpectation(null, ftpExpectation("old", T0, SERVER, 60315), sink);
        slot = matcher.onExpectation(slot, ftpExpectation("new", T0 + SEC, SERVER, 60315), sink);
        slot = matcher.onConnection(slot, connection("c1", T0 + 2 * SEC, SERVER, 20, 60315), sink);
        matcher.advance(slot, T0 + 7 * SEC, sink);
        assertThat(events.get(2).getExpectationId()).isEqualTo("old");
        assertThat(events.get(2).getType()).isEqualTo(ExpectationEventType.FULFILLED);
    }

    @Test
    void matchKeyIgnoresTheWildcardPartsSoExpectationAndConnectionMeet() {
        ExpectationEvent e = ftpExpectation("e1", T0, SERVER, 60315);
        NewConnection c = connection("c1", T0, OTHER, 1234, 60315);
        assertThat(MatchKeys.of(e.getExpected())).isEqualTo(MatchKeys.of(c.getOrig())).isEqualTo("4/6/10.77.1.2/60315");
    }
}
