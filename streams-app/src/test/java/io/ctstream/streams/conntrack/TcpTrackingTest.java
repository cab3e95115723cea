package io.ctstream.streams.conntrack;

import static io.ctstream.streams.conntrack.TcpSession.A;
import static io.ctstream.streams.conntrack.TcpSession.F;
import static io.ctstream.streams.conntrack.TcpSession.P;
import static io.ctstream.streams.conntrack.TcpSession.R;
import static io.ctstream.streams.conntrack.TcpSession.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.CtState;
import io.ctstream.avro.Direction;
import io.ctstream.avro.StatusFlag;
import io.ctstream.avro.TcpState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpTrackingTest {

    private final ConnectionTracker tracker = new ConnectionTracker(ConntrackConfig.defaults());

    private static long sec(long s) {
        return s * 1_000_000L;
    }

    private static void assertTimeout(TcpSession s, long seconds) {
        assertThat(s.conn().getTimeoutAtMicros() - s.now).isEqualTo(sec(seconds));
    }

    @Test
    void threeWayHandshakeGoesSynSentSynRecvEstablishedAndAssured() {
        TcpSession s = new TcpSession(tracker);
        TrackResult syn = s.c(S, 1000, 0);
        assertThat(syn.packetState()).isEqualTo(PacketState.NEW);
        assertThat(syn.changes()).containsExactly(Change.CREATED);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.SYN_SENT);
        assertThat(s.conn().getStatus()).isEmpty();
        assertTimeout(s, 120);

        TrackResult synAck = s.s(S | A, 5000, 1001);
        assertThat(synAck.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(synAck.direction()).isEqualTo(Direction.REPLY);
        assertThat(synAck.changes()).containsExactlyInAnyOrder(Change.TCP_STATE, Change.SEEN_REPLY);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.SYN_RECV);
        assertTimeout(s, 60);

        TrackResult ack = s.c(A, 1001, 5001);
        assertThat(ack.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(ack.changes()).containsExactlyInAnyOrder(Change.TCP_STATE, Change.ASSURED);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(s.conn().getStatus()).containsExactly(StatusFlag.SEEN_REPLY, StatusFlag.ASSURED);
        assertTimeout(s, 432_000);

        assertThat(s.conn().getOrigPackets()).isEqualTo(2);
        assertThat(s.conn().getOrigBytes()).isEqualTo(80);
        assertThat(s.conn().getReplyPackets()).isEqualTo(1);
        assertThat(s.conn().getHistory()).isEqualTo("ShA");
        assertThat(s.conn().getCtState()).isEqualTo(CtState.ESTABLISHED);
        assertThat(s.conn().getOrig().getSrcPort()).isEqualTo(40000);
        assertThat(s.conn().getReply().getSrcPort()).isEqualTo(80);
    }

    @Test
    void orderlyCloseWithCombinedFinAckGoesFinWaitLastAckTimeWait() {
        TcpSession s = new TcpSession(tracker).handshake();
        assertThat(s.c(F | A, 1001, 5001).has(Change.TCP_STATE)).isTrue();
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.FIN_WAIT);
        assertTimeout(s, 120);
        s.s(F | A, 5001, 1002);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.LAST_ACK);
        assertTimeout(s, 30);
        s.c(A, 1002, 5002);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.TIME_WAIT);
        assertTimeout(s, 120);
        assertThat(s.conn().getHistory()).isEqualTo("ShAFf");
    }

    @Test
    void closeWithSeparateAckGoesThroughCloseWait() {
        TcpSession s = new TcpSession(tracker).handshake();
        s.c(F | A, 1001, 5001);
        s.s(A, 5001, 1002);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.CLOSE_WAIT);
        assertTimeout(s, 60);
        s.s(F | A, 5001, 1002);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.LAST_ACK);
        s.c(A, 1002, 5002);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void crossingFinsRaceToLastAckThenTimeWait() {
        TcpSession s = new TcpSession(tracker).handshake();
        s.c(F | A, 1001, 5001);
        // the server's FIN was sent before it saw the client's: it does not acknowledge it
        TrackResult serverFin = s.s(F | A, 5001, 1001);
        assertThat(serverFin.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.LAST_ACK);
        s.s(A, 5002, 1002);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.TIME_WAIT);
        s.c(A, 1002, 5002);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void lastAckRacingAheadOfDataAckStillEndsInTimeWait() {
        TcpSession s = new TcpSession(tracker).handshake();
        s.s(P | A, 5001, 1001, 100);
        s.c(F | A, 1001, 5101);
        s.s(F | A, 5101, 1002);
        // a late pure ACK of the data, overtaken by the FIN: still in window, state unchanged
        TrackResult late = s.c(A, 1001, 5101);
        assertThat(late.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void simultaneousOpenPassesThroughSynSent2() {
        TcpSession s = new TcpSession(tracker);
        s.c(S, 1000, 0);
        TrackResult crossingSyn = s.s(S, 5000, 0);
        assertThat(crossingSyn.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.SYN_SENT2);
        // like the kernel: a SYN while SYN_SENT and no reply yet neither refreshes the timer nor is
        // counted
        assertThat(s.conn().getReplyPackets()).isZero();
        s.c(S | A, 1000, 5001);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.SYN_RECV);
        TrackResult serverSynAck = s.s(S | A, 5000, 1001);
        assertThat(serverSynAck.reason()).contains("ignored");
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.SYN_RECV);
        TrackResult ack = s.s(A, 5001, 1001);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(ack.changes()).contains(Change.ASSURED);
    }

    @Test
    void retransmittedSynKeepsSynSentAndIsNeitherCountedNorRefreshed() {
        TcpSession s = new TcpSession(tracker);
        s.c(S, 1000, 0);
        long timeoutAt = s.conn().getTimeoutAtMicros();
        s.now += sec(1);
        TrackResult again = s.c(S, 1000, 0);
        assertThat(again.packetState()).isEqualTo(PacketState.NEW);
        assertThat(again.changes()).isEmpty();
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.SYN_SENT);
        assertThat(s.conn().getOrigPackets()).isEqualTo(1);
        assertThat(s.conn().getTimeoutAtMicros()).isEqualTo(timeoutAt);
    }

    @Test
    void synAckWithoutSynIsInvalidWhateverTcpLoose() {
        for (boolean loose : new boolean[] {true, false}) {
            ConnectionTracker t =
                    new ConnectionTracker(ConntrackConfig.builder().tcpLoose(loose).build());
            TcpSession s = new TcpSession(t);
            TrackResult r = s.s(S | A, 5000, 1001);
            assertThat(r.packetState()).isEqualTo(PacketState.INVALID);
            assertThat(r.connection()).isNull();
        }
    }

    @Test
    void midStreamAckIsPickedUpWithTcpLoose() {
        TcpSession s = new TcpSession(tracker);
        TrackResult first = s.c(A, 777_000, 888_000, 100);
        assertThat(first.packetState()).isEqualTo(PacketState.NEW);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
        assertTimeout(s, 300); // ESTABLISHED without a reply gets the unacknowledged timeout
        TrackResult reply = s.s(A, 888_000, 777_100, 50);
        assertThat(reply.changes()).containsExactly(Change.SEEN_REPLY);
        assertThat(s.conn().getStatus()).containsExactly(StatusFlag.SEEN_REPLY);
        TrackResult next = s.c(A, 777_100, 888_050);
        assertThat(next.changes()).containsExactly(Change.ASSURED);
        assertTimeout(s, 432_000);
    }

    @Test
    void midStreamAckIsInvalidWithoutTcpLoose() {
        TcpSession s =
                new TcpSession(
                        new ConnectionTracker(ConntrackConfig.builder().tcpLoose(false).build()));
        TrackResult r = s.c(A, 777_000, 888_000, 100);
        assertThat(r.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(r.connection()).isNull();
        assertThat(r.reason()).contains("tcp_loose");
    }

    @Test
    void rstInWindowClosesTheConnection() {
        TcpSession s = new TcpSession(tracker).handshake();
        TrackResult rst = s.c(R | A, 1001, 5001);
        assertThat(rst.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.CLOSE);
        assertTimeout(s, 10);
        assertThat(s.conn().getHistory()).endsWith("R");
    }

    @Test
    void rstBelowTheAcknowledgedSequenceIsInvalid() {
        TcpSession s = new TcpSession(tracker).handshake();
        long timeoutAt = s.conn().getTimeoutAtMicros();
        TrackResult rst = s.s(R, 4000, 0);
        assertThat(rst.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(rst.reason()).isEqualTo("invalid rst");
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(s.conn().getInvalidPackets()).isEqualTo(1);
        assertThat(s.conn().getReplyPackets()).isEqualTo(1);
        assertThat(s.conn().getTimeoutAtMicros()).isEqualTo(timeoutAt);
    }

    @Test
    void rstBeyondTheWindowIsInvalid() {
        TcpSession s = new TcpSession(tracker).handshake();
        TrackResult rst = s.s(R, 5001 + 10_000_000, 0);
        assertThat(rst.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(rst.reason()).contains("SEQ is over upper bound");
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void inexactRstInsideTheWindowKeepsEstablishedForAChallengeAck() {
        TcpSession s = new TcpSession(tracker).handshake();
        TrackResult rst = s.s(R, 5001 + 100, 0);
        assertThat(rst.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
        assertTimeout(s, 10);
        // the exact RST that follows the challenge ACK closes it
        s.s(R, 5001, 0);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.CLOSE);
    }

    @Test
    void rstAnsweringSynDestroysTheConnectionAtOnce() {
        TcpSession s = new TcpSession(tracker);
        s.c(S, 1000, 0);
        TrackedConnection before = s.stored;
        TrackResult rst = s.s(R | A, 0, 1001);
        assertThat(rst.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(rst.connection()).isNull();
        assertThat(rst.changes()).contains(Change.DESTROYED, Change.TCP_STATE);
        assertThat(rst.destroyReason()).isEqualTo("reset");
        assertThat(rst.destroyed().connection().getId()).isEqualTo(before.connection().getId());
        assertThat(rst.destroyed().connection().getReplyPackets()).isEqualTo(1);
        assertThat(rst.destroyed().connection().getTcpState()).isEqualTo(TcpState.CLOSE);
    }

    @Test
    void replyAckToSynIsIgnoredAndTheClientsRstAnswerIsAccepted() {
        TcpSession s = new TcpSession(tracker);
        s.c(S, 1000, 0);
        TrackResult ack = s.s(A, 9000, 12345);
        assertThat(ack.reason()).contains("ignored");
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.SYN_SENT);
        assertThat(s.conn().getReplyPackets()).isZero();
        s.c(R, 12345, 0);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.CLOSE);
    }

    @Test
    void newSynInTimeWaitReopensAsANewConnection() {
        TcpSession s = new TcpSession(tracker).handshake();
        s.c(F | A, 1001, 5001);
        s.s(F | A, 5001, 1002);
        s.c(A, 1002, 5002);
        TrackedConnection old = s.stored;
        assertThat(old.connection().getTcpState()).isEqualTo(TcpState.TIME_WAIT);
        TrackResult syn = s.c(S, 900_000, 0);
        assertThat(syn.changes()).contains(Change.DESTROYED, Change.CREATED);
        assertThat(syn.destroyReason()).isEqualTo("reopened");
        assertThat(syn.destroyed().connection().getId()).isEqualTo(old.connection().getId());
        assertThat(syn.packetState()).isEqualTo(PacketState.NEW);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.SYN_SENT);
        assertThat(s.conn().getId()).isNotEqualTo(old.connection().getId());
        assertThat(s.conn().getOrigPackets()).isEqualTo(1);
    }

    @Test
    void synOnEstablishedIsIgnoredAndASynAckAnsweringItResyncs() {
        TcpSession s = new TcpSession(tracker).handshake();
        TrackResult syn = s.c(S, 700_000, 0);
        assertThat(syn.reason()).contains("ignored");
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
        TrackResult synAck = s.s(S | A, 300_000, 700_001);
        assertThat(synAck.changes()).contains(Change.TCP_STATE);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.SYN_RECV);
        s.c(A, 700_001, 300_001);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void challengeAckInLastAckDoesNotCountAsTheLastAck() {
        TcpSession s = new TcpSession(tracker).handshake();
        s.c(F | A, 1001, 5001);
        s.s(F | A, 5001, 1002);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.LAST_ACK);
        s.c(S, 800_000, 0); // ignored SYN while LAST_ACK
        TrackResult challenge = s.s(A, 5002, 1002);
        assertThat(challenge.reason()).isEqualTo("challenge-ack ignored");
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.LAST_ACK);
    }

    @Test
    void dataBeyondTheReceiveWindowIsInvalidUnlessBeLiberal() {
        TcpSession strict = new TcpSession(tracker).handshake();
        TrackResult r = strict.c(P | A, 1001 + 200_000, 5001, 100);
        assertThat(r.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(r.reason()).contains("SEQ is over upper bound");
        assertThat(strict.conn().getHistory()).endsWith("I");

        TcpSession liberal =
                new TcpSession(
                                new ConnectionTracker(
                                        ConntrackConfig.builder().tcpBeLiberal(true).build()))
                        .handshake();
        TrackResult l = liberal.c(P | A, 1001 + 200_000, 5001, 100);
        assertThat(l.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(liberal.conn().getOrigPackets()).isEqualTo(3);
    }

    @Test
    void slightOvershootOfTheWindowIsIgnoredNotInvalid() {
        TcpSession s = new TcpSession(tracker).handshake();
        TrackResult r = s.c(P | A, 1001 + 64_240 + 10, 5001, 100);
        assertThat(r.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(r.reason()).contains("bytes more than expected");
        assertThat(s.conn().getOrigPackets()).isEqualTo(2);
    }

    @Test
    void ackOfDataNeverSentIsInvalid() {
        TcpSession s = new TcpSession(tracker).handshake();
        TrackResult r = s.c(A, 1001, 5001 + 100_000);
        assertThat(r.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(r.reason()).contains("ACK is over upper bound");
    }

    @Test
    void oldDataBelowTheWindowIsIgnoredAndNotCounted() {
        TcpSession s = new TcpSession(tracker).handshake();
        long seq = 1001;
        for (int i = 0; i < 3; i++) {
            s.c(P | A, seq, 5001, 30_000);
            seq += 30_000;
            s.s(A, 5001, seq);
        }
        long before = s.conn().getOrigPackets();
        TrackResult old = s.c(P | A, 1001, 5001, 100);
        assertThat(old.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(old.reason()).contains("SEQ is under lower bound");
        assertThat(s.conn().getOrigPackets()).isEqualTo(before);
    }

    @Test
    void windowScalingWidensTheAcceptedWindow() {
        for (boolean scaled : new boolean[] {true, false}) {
            TcpSession s = new TcpSession(tracker);
            s.feed(s.fromClient(S, 1000, 0).window(512).wscale(scaled ? 7 : -1));
            s.feed(s.fromServer(S | A, 5000, 1001).window(512).wscale(7));
            s.feed(s.fromClient(A, 1001, 5001).window(512));
            s.feed(
                    s.fromServer(A, 5001, 1001)
                            .window(512)); // server window 512 << 7 = 65536 when scaled
            TrackResult data =
                    s.feed(s.fromClient(P | A, 1001 + 30_000, 5001).window(512).payload(1000));
            assertThat(data.packetState())
                    .as("scaled=" + scaled)
                    .isEqualTo(scaled ? PacketState.ESTABLISHED : PacketState.INVALID);
            assertThat(data.reason())
                    .as("scaled=" + scaled)
                    .isEqualTo(
                            scaled
                                    ? null
                                    : "SEQ is over upper bound 1514 (over the window of the receiver)");
        }
    }

    @Test
    void sackBlocksAreCheckedLikeAcksWhenSackIsPermitted() {
        for (boolean permitted : new boolean[] {true, false}) {
            TcpSession s = new TcpSession(tracker);
            s.c(S, 1000, 0);
            Packets synAck = s.fromServer(S | A, 5000, 1001);
            s.feed(
                    permitted
                            ? synAck.sackPerm()
                            : synAck); // the side receiving SACK blocks must have permitted them
            s.c(A, 1001, 5001);
            s.s(P | A, 5001, 1001, 100);
            // the client SACKs bytes the server never sent
            TrackResult r = s.feed(s.fromClient(A, 1001, 5001).sack(5001 + 5000));
            assertThat(r.packetState())
                    .as("permitted=" + permitted)
                    .isEqualTo(permitted ? PacketState.INVALID : PacketState.ESTABLISHED);
        }
    }

    @Test
    void unacknowledgedDataShortensTheEstablishedTimeout() {
        TcpSession s = new TcpSession(tracker).handshake();
        s.c(P | A, 1001, 5001, 100);
        assertTimeout(s, 300);
        s.s(A, 5001, 1101);
        assertTimeout(s, 432_000);
    }

    @Test
    void repeatedRetransmissionsShortenTheTimeout() {
        TcpSession s = new TcpSession(tracker).handshake();
        s.c(A, 1001, 5001);
        s.c(A, 1001, 5001);
        assertTimeout(s, 432_000);
        s.c(A, 1001, 5001);
        s.c(A, 1001, 5001);
        assertTimeout(s, 300);
    }

    @Test
    void invalidFlagCombinationsAreInvalid() {
        TcpSession fresh = new TcpSession(tracker);
        TrackResult synFin = fresh.c(S | F, 1000, 0);
        assertThat(synFin.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(synFin.connection()).isNull();

        TcpSession s = new TcpSession(tracker).handshake();
        TrackResult finNoAck = s.c(F, 1001, 0);
        assertThat(finNoAck.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(finNoAck.reason()).contains("invalid tcp flag combination");
        assertThat(s.conn().getInvalidPackets()).isEqualTo(1);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void tableInvalidTransitionsAreInvalid() {
        TcpSession s = new TcpSession(tracker);
        s.c(S, 1000, 0);
        TrackResult ackInSynSent = s.c(A, 1001, 5001);
        assertThat(ackInSynSent.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(ackInSynSent.reason()).contains("invalid, state SYN_SENT");
        TrackResult finInSynSent = s.s(F | A, 5000, 1001);
        assertThat(finInSynSent.packetState()).isEqualTo(PacketState.INVALID);
    }

    @Test
    void everyStateHasTheKernelsTimeoutAndExpiresOnStreamTime() {
        TcpSession s = new TcpSession(tracker);
        s.c(S, 1000, 0);
        TrackedConnection synSent = s.stored;
        long at = ConnectionTracker.nextTimeoutMicros(synSent);
        assertThat(tracker.expire(synSent, at - 1)).isEmpty();
        assertThat(tracker.expire(synSent, at))
                .get()
                .extracting(c -> c.getTcpState())
                .isEqualTo(TcpState.SYN_SENT);

        // a packet after the timeout finds no connection: the old one is destroyed, the packet
        // starts a new one
        TrackResult late = s.feed(s.fromClient(S, 1000, 0).at(at + 5).build());
        assertThat(late.changes()).contains(Change.DESTROYED, Change.CREATED);
        assertThat(late.destroyReason()).isEqualTo("timeout");
    }

    @Test
    void outOfWindowFinAndRstAnsweringEachOtherShortenAnAssuredConnectionsTimeout() {
        TcpSession s = new TcpSession(tracker).handshake();
        long established = s.conn().getTimeoutAtMicros();
        TrackResult fin = s.s(F | A, 5001 + 10_000_000, 1001);
        assertThat(fin.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(s.conn().getTimeoutAtMicros())
                .isEqualTo(established); // the first one only records itself
        TrackResult rst = s.c(R, 1001 + 10_000_000, 0);
        assertThat(rst.packetState()).isEqualTo(PacketState.INVALID);
        assertTimeout(s, 300); // nf_tcp_handle_invalid: lowered to the unacknowledged timeout
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(s.conn().getInvalidPackets()).isEqualTo(2);
    }

    @Test
    void everyTcpStateMapsToItsKernelTimeout() {
        ConntrackConfig.TcpTimeouts t = ConntrackConfig.TcpTimeouts.defaults();
        assertThat(t.of(TcpState.SYN_SENT)).isEqualTo(Duration.ofSeconds(120));
        assertThat(t.of(TcpState.SYN_RECV)).isEqualTo(Duration.ofSeconds(60));
        assertThat(t.of(TcpState.ESTABLISHED)).isEqualTo(Duration.ofDays(5));
        assertThat(t.of(TcpState.FIN_WAIT)).isEqualTo(Duration.ofSeconds(120));
        assertThat(t.of(TcpState.CLOSE_WAIT)).isEqualTo(Duration.ofSeconds(60));
        assertThat(t.of(TcpState.LAST_ACK)).isEqualTo(Duration.ofSeconds(30));
        assertThat(t.of(TcpState.TIME_WAIT)).isEqualTo(Duration.ofSeconds(120));
        assertThat(t.of(TcpState.CLOSE)).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.of(TcpState.SYN_SENT2)).isEqualTo(Duration.ofSeconds(120));
        assertThat(t.retrans()).isEqualTo(Duration.ofMinutes(5));
        assertThat(t.unacknowledged()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void customTimeoutsAreUsed() {
        ConntrackConfig.TcpTimeouts d = ConntrackConfig.TcpTimeouts.defaults();
        ConntrackConfig.TcpTimeouts custom =
                new ConntrackConfig.TcpTimeouts(
                        Duration.ofSeconds(5),
                        d.synRecv(),
                        Duration.ofHours(1),
                        d.finWait(),
                        d.closeWait(),
                        d.lastAck(),
                        d.timeWait(),
                        d.close(),
                        d.synSent2(),
                        d.retrans(),
                        d.unacknowledged());
        TcpSession s =
                new TcpSession(
                        new ConnectionTracker(
                                ConntrackConfig.builder().tcpTimeouts(custom).build()));
        s.c(S, 1000, 0);
        assertTimeout(s, 5);
        s.s(S | A, 5000, 1001);
        s.c(A, 1001, 5001);
        assertTimeout(s, 3600);
    }

    @Test
    void ipv6HandshakeAndClose() {
        TcpSession s = new TcpSession(tracker, "fd77:1::2", 50000, "fd77:2::2", 21).handshake();
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(s.conn().getOrig().getIpVersion()).isEqualTo(6);
        assertThat(s.conn().getOrigBytes()).isEqualTo(2 * 60);
        s.c(F | A, 1001, 5001);
        s.s(F | A, 5001, 1002);
        s.c(A, 1002, 5002);
        assertThat(s.conn().getTcpState()).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void theGivenConnectionIsNeverModified() {
        TcpSession s = new TcpSession(tracker).handshake();
        TrackedConnection before = s.stored;
        TrackedConnection snapshot = before.copy();
        tracker.track(before, s.fromClient(F | A, 1001, 5001).at(s.now + 1000).build());
        assertThat(before).isEqualTo(snapshot);
    }
}
