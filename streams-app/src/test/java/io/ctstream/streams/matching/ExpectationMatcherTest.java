package io.ctstream.streams.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.Direction;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.Tuple;
import io.ctstream.avro.internal.NewConnection;
import io.ctstream.schemas.FlowKeys;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The matcher's rules, through the real processor and its stores ({@link MatcherHarness}). A
 * tracker's progress {@code W} makes the safe time {@code W - grace}; a connection stamped {@code
 * ts} is decided once the safe time passes {@code ts + grace}, so once every tracker has passed
 * {@code ts + 2 grace}.
 */
class ExpectationMatcherTest {
    private static final long SEC = 1_000_000L;
    private static final long GRACE = 5 * SEC;
    private static final long T0 = 1_795_314_068L * SEC;
    private static final byte[] CLIENT = {10, 77, 1, 2};
    private static final byte[] SERVER = {10, 77, 2, 2};
    private static final byte[] OTHER = {10, 77, 2, 9};

    private final MatcherHarness m = new MatcherHarness(new MatcherConfig(GRACE, 3, 2));

    /** FTP active mode: the server connects from any port to the client's announced port. */
    static ExpectationEvent ftpExpectation(
            String id, long created, byte[] src, int dport, String sensor) {
        Tuple master = tuple(CLIENT, 54728, SERVER, 21);
        return ExpectationEvent.newBuilder()
                .setExpectationId(id)
                .setType(ExpectationEventType.CREATED)
                .setTimestampMicros(created)
                .setHelper("ftp")
                .setMode(HelperMode.ROBUST)
                .setMaster(new ConnectionRef("master-1", master))
                .setExpected(
                        new ExpectedTuple(
                                4,
                                6,
                                src == null ? null : ByteBuffer.wrap(src),
                                null,
                                ByteBuffer.wrap(CLIENT),
                                dport))
                .setDirection(Direction.ORIGINAL)
                .setTimeoutSeconds(300)
                .setCreatedMicros(created)
                .setExpiresAtMicros(created + 300 * SEC)
                .setSensorId(sensor)
                .build();
    }

    private static ExpectationEvent ftpExpectation(String id, long created, byte[] src, int dport) {
        return ftpExpectation(id, created, src, dport, "control-sensor");
    }

    static NewConnection connection(
            String id, long ts, byte[] src, int sport, int dport, String sensor) {
        Tuple orig = tuple(src, sport, CLIENT, dport);
        return new NewConnection(id, FlowKeys.of(orig), orig, ts, sensor);
    }

    private static NewConnection connection(String id, long ts, byte[] src, int sport, int dport) {
        return connection(id, ts, src, sport, dport, "data-sensor");
    }

    private static Tuple tuple(byte[] src, int sport, byte[] dst, int dport) {
        return new Tuple(4, 6, ByteBuffer.wrap(src), sport, ByteBuffer.wrap(dst), dport);
    }

    static ExpectationEvent typed(ExpectationEvent e, ExpectationEventType type, long at) {
        return ExpectationEvent.newBuilder(e)
                .setType(type)
                .setTimestampMicros(at)
                .setReason("test")
                .build();
    }

    /** The one tracker has processed everything up to {@code micros}. */
    private void at(long micros) {
        m.progress(0, 1, micros);
    }

    private List<ExpectationEventType> types() {
        return m.published().stream().map(ExpectationEvent::getType).toList();
    }

    private ExpectationEvent last() {
        List<ExpectationEvent> all = m.published();
        return all.get(all.size() - 1);
    }

    @Test
    void connectionAfterItsExpectationFulfilsItOnceEveryTrackerHasPassedItByTheGrace() {
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        m.connection(connection("c1", T0 + SEC, SERVER, 20, 60315));
        at(T0 + SEC + 2 * GRACE - 1);
        assertThat(types()).as("not decided yet").containsExactly(ExpectationEventType.CREATED);
        at(T0 + SEC + 2 * GRACE);

        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(last().getFulfilledBy().getConnectionId()).isEqualTo("c1");
        assertThat(last().getTimestampMicros()).isEqualTo(T0 + SEC);
        at(T0 + 1000 * SEC);
        assertThat(types()).as("one-shot: no second terminal event").hasSize(2);
    }

    @Test
    void pinnedSourceAddressMustMatchButWildcardSourcePortMatchesAny() {
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        m.connection(connection("c-other", T0 + SEC, OTHER, 20, 60315));
        m.connection(connection("c-any-port", T0 + 2 * SEC, SERVER, 40123, 60315));
        at(T0 + 20 * SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(last().getFulfilledBy().getConnectionId()).isEqualTo("c-any-port");
    }

    @Test
    void wildcardSourceAddressMatchesAnySender() {
        m.expectation(ftpExpectation("irc", T0, null, 40001));
        m.connection(connection("c1", T0 + SEC, OTHER, 51000, 40001));
        at(T0 + 20 * SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
    }

    @Test
    void connectionOfAnotherSensorMayPrecedeItsExpectationByTheGraceWhateverTheArrivalOrder() {
        // Skewed sensor clocks: the data connection is stamped 2 s before the PORT, and its record
        // arrives first.
        m.connection(connection("c1", T0 - 2 * SEC, SERVER, 20, 60315));
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        at(T0 + 20 * SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(last().getFulfilledBy().getConnectionId()).isEqualTo("c1");
    }

    @Test
    void connectionOfTheSameSensorMustFollowTheAnnouncementAsInTheKernel() {
        // One clock orders both: a connection that began before the announcement is another
        // connection (issue 17:
        // a data connection opened and closed before the expectation was created used to fulfil
        // it).
        m.connection(connection("before", T0 - 1, SERVER, 20, 60315, "s1"));
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315, "s1"));
        m.connection(connection("after", T0 + 280, SERVER, 20, 60315, "s1"));
        at(T0 + 20 * SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(last().getFulfilledBy().getConnectionId()).isEqualTo("after");
    }

    @Test
    void connectionStampedBeforeTheGraceDoesNotMatch() {
        m.connection(connection("c1", T0 - 6 * SEC, SERVER, 20, 60315));
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        at(T0 + 100 * SEC);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED);
    }

    @Test
    void expectationsAreOneShotAndTheEarliestConnectionWinsWhateverTheArrivalOrder() {
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        m.connection(connection("second", T0 + 2 * SEC, SERVER, 20, 60315));
        m.connection(connection("first", T0 + SEC, SERVER, 21, 60315));
        at(T0 + 60 * SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(last().getFulfilledBy().getConnectionId()).isEqualTo("first");
    }

    @Test
    void expiresOnceTheSafeTimePassesTimeoutPlusGraceAndThenMatchesNothing() {
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        at(T0 + 300 * SEC + 2 * GRACE - 1);
        assertThat(types()).containsExactly(ExpectationEventType.CREATED);
        at(T0 + 300 * SEC + 2 * GRACE);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.EXPIRED);
        assertThat(last().getTimestampMicros())
                .as("expired at its own deadline, in event time")
                .isEqualTo(T0 + 300 * SEC);
        m.connection(connection("late", T0 + 301 * SEC, SERVER, 20, 60315));
        at(T0 + 400 * SEC);
        assertThat(types()).hasSize(2);
    }

    @Test
    void connectionAfterExpiresAtDoesNotMatchEvenBeforeTheExpiryIsPublished() {
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        m.connection(connection("late", T0 + 301 * SEC, SERVER, 20, 60315));
        at(T0 + 400 * SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.EXPIRED);
    }

    @Test
    void evictionEndsAnExpectationOnceTheGraceHasPassed() {
        ExpectationEvent e1 = ftpExpectation("e1", T0, SERVER, 60315);
        m.expectation(e1);
        m.expectation(typed(e1, ExpectationEventType.EVICTED, T0 + SEC));
        m.expectation(typed(e1, ExpectationEventType.MASTER_DESTROYED, T0 + 2 * SEC));
        assertThat(m.dropped("already-ending")).isEqualTo(1);
        m.connection(connection("after-end", T0 + 3 * SEC, SERVER, 20, 60315));
        at(T0 + SEC + 2 * GRACE - 1);
        assertThat(types())
                .as("the end is scheduled, not yet final")
                .containsExactly(ExpectationEventType.CREATED);
        at(T0 + 60 * SEC);
        assertThat(types())
                .as("a connection that began after the eviction does not match")
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.EVICTED);
        assertThat(last().getTimestampMicros())
                .as("evicted at its own event time")
                .isEqualTo(T0 + SEC);
        m.expectation(typed(e1, ExpectationEventType.EVICTED, T0 + 70 * SEC));
        assertThat(m.dropped("already-ended")).isEqualTo(1);
    }

    @Test
    void connectionThatBeganBeforeTheEvictionFulfilsEvenWhenItArrivesAfterIt() {
        // EPRT #1, its data connection at T0+1s, EPRT #2 at T0+2s evicting #1 — the control
        // connection's tracker
        // ran ahead, so the matcher reads the eviction before the data connection.
        ExpectationEvent e1 = ftpExpectation("e1", T0, SERVER, 60315);
        m.expectation(e1);
        m.expectation(typed(e1, ExpectationEventType.EVICTED, T0 + 2 * SEC));
        m.connection(connection("data", T0 + SEC, SERVER, 20, 60315));
        at(T0 + 60 * SEC);
        assertThat(types())
                .as("exactly one terminal event")
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(last().getFulfilledBy().getConnectionId()).isEqualTo("data");
    }

    @Test
    void connectionThatBeganAfterTheEvictionDoesNotFulfilEvenWhenItArrivesBeforeIt() {
        ExpectationEvent e1 = ftpExpectation("e1", T0, SERVER, 60315);
        m.expectation(e1);
        m.connection(connection("late", T0 + 2 * SEC, SERVER, 20, 60315));
        m.expectation(typed(e1, ExpectationEventType.EVICTED, T0 + SEC));
        at(T0 + 60 * SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.EVICTED);
    }

    @Test
    void oldestMatchingExpectationIsFulfilledFirstWhateverTheArrivalOrder() {
        m.expectation(ftpExpectation("new", T0 + SEC, SERVER, 60315));
        m.expectation(ftpExpectation("old", T0, SERVER, 60315));
        m.connection(connection("c1", T0 + 2 * SEC, SERVER, 20, 60315));
        at(T0 + 20 * SEC);
        assertThat(m.published())
                .filteredOn(e -> e.getType() == ExpectationEventType.FULFILLED)
                .extracting(ExpectationEvent::getExpectationId)
                .containsExactly("old");
    }

    @Test
    void slotCapEvictsTheOldestExpectation() {
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        m.expectation(ftpExpectation("e2", T0 + 1, SERVER, 60315));
        m.expectation(ftpExpectation("e3", T0 + 2, SERVER, 60315));
        assertThat(m.published())
                .filteredOn(e -> e.getType() == ExpectationEventType.EVICTED)
                .extracting(ExpectationEvent::getExpectationId)
                .containsExactly("e1");
        assertThat(m.dropped("slot-expectation-limit")).isEqualTo(1);
    }

    @Test
    void aFastPartitionDoesNotDecideForASlowOne() {
        // Issue 17: the data connection's partition races 100 s ahead while the control
        // connection's tracker has not
        // yet read the 227 that announced it (0.28 ms earlier). Kafka Streams' stream time of the
        // match partition would
        // have forgotten the connection long before the expectation arrived.
        m.progress(0, 2, T0 - SEC);
        m.connection(connection("data", T0 + 280, SERVER, 20, 60315, "s1"));
        m.progress(1, 2, T0 + 100 * SEC);
        assertThat(types()).isEmpty();
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315, "s1"));
        m.progress(0, 2, T0 + 100 * SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(m.dropped("late-expectation")).isZero();
    }

    @Test
    void nothingIsDecidedBeforeEveryTrackerHasReported() {
        m.connection(connection("data", T0, SERVER, 20, 60315));
        m.progress(1, 3, T0 + 100 * SEC);
        m.progress(2, 3, T0 + 100 * SEC);
        m.expectation(ftpExpectation("e1", T0 - SEC, SERVER, 60315));
        assertThat(types()).containsExactly(ExpectationEventType.CREATED);
        m.progress(0, 3, T0 + 100 * SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
    }

    @Test
    void anIdleTrackerIsNotWaitedFor() {
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        m.connection(connection("c1", T0 + SEC, SERVER, 20, 60315));
        m.progress(0, 2, T0 + 60 * SEC);
        m.progress(1, 2, -1);
        assertThat(types())
                .as("tracker 1 has processed nothing yet")
                .containsExactly(ExpectationEventType.CREATED);
        m.idle(1, 2, -1);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
    }

    @Test
    void theEndOfTheInputDecidesEverything() {
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        m.connection(connection("c1", T0 + SEC, SERVER, 20, 60315));
        at(T0 + SEC);
        m.tick(T0 + SEC + GRACE + SEC);
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
    }

    @Test
    void aConnectionArrivingAfterItsDecisionTimeIsDecidedAtOnceAndCounted() {
        m.expectation(ftpExpectation("e1", T0, SERVER, 60315));
        at(T0 + 60 * SEC);
        m.connection(connection("c1", T0 + SEC, SERVER, 20, 60315));
        assertThat(types())
                .containsExactly(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED);
        assertThat(m.dropped("late-connection")).isEqualTo(1);
    }

    @Test
    void waitingConnectionsAreBoundedPerTaskAndCounted() {
        for (int i = 0; i < 5; i++) {
            m.connection(connection("c" + i, T0 + i, SERVER, 20 + i, 60315));
        }
        assertThat(m.dropped("pending-table-full")).as("cap of 3 in this test").isEqualTo(2);
    }

    @Test
    void matchKeyIgnoresTheWildcardPartsSoExpectationAndConnectionMeet() {
        ExpectationEvent e = ftpExpectation("e1", T0, SERVER, 60315);
        NewConnection c = connection("c1", T0, OTHER, 1234, 60315);
        assertThat(MatchKeys.of(e.getExpected()))
                .isEqualTo(MatchKeys.of(c.getOrig()))
                .isEqualTo("4/6/10.77.1.2/60315");
    }
}
