package io.ctstream.streams.conntrack;

import static io.ctstream.streams.conntrack.TcpSession.A;
import static io.ctstream.streams.conntrack.TcpSession.P;
import static io.ctstream.streams.conntrack.TcpSession.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.PacketRecord;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DuplicateSuppressionTest {

    private final ConnectionTracker tracker = new ConnectionTracker(ConntrackConfig.defaults());

    @Test
    void theSamePacketFromASecondSensorCountsOnceButRecordsTheSensor() {
        TcpSession s = new TcpSession(tracker);
        PacketRecord syn = s.fromClient(S, 1000, 0).sensor("gw-a").at(s.now).build();
        s.feed(syn);
        PacketRecord copy = s.fromClient(S, 1000, 0).sensor("gw-b").at(s.now + 200).build();
        TrackResult r = s.feed(copy);
        assertThat(r.duplicate()).isTrue();
        assertThat(r.packetState()).isEqualTo(PacketState.NEW);
        assertThat(s.conn().getOrigPackets()).isEqualTo(1);
        assertThat(s.conn().getSensors()).containsExactly("gw-a", "gw-b");
    }

    @Test
    void aRetransmissionFromTheSameSensorIsNotADuplicate() {
        TcpSession s = new TcpSession(tracker).handshake();
        s.c(P | A, 1001, 5001, 10);
        TrackResult again = s.c(P | A, 1001, 5001, 10);
        assertThat(again.duplicate()).isFalse();
        assertThat(s.conn().getOrigPackets()).isEqualTo(4);
    }

    @Test
    void copiesFurtherApartThanTheWindowAreNotDuplicates() {
        TcpSession s = new TcpSession(tracker).handshake();
        s.feed(s.fromClient(P | A, 1001, 5001).payload(10).sensor("a").at(s.now + 1000).build());
        TrackResult late =
                s.feed(
                        s.fromClient(P | A, 1001, 5001)
                                .payload(10)
                                .sensor("b")
                                .at(s.now + 1000 + 5000)
                                .build());
        assertThat(late.duplicate()).isFalse();
    }

    @Test
    void udpCopiesAreMatchedOnIpIdAndLength() {
        ConnectionTracker t =
                new ConnectionTracker(
                        ConntrackConfig.builder()
                                .duplicateWindow(Duration.ofMillis(5))
                                .duplicateMemory(4)
                                .build());
        PacketRecord a =
                Packets.udp("10.0.0.1", 1, "10.0.0.2", 2)
                        .payload(10)
                        .ipId(77)
                        .sensor("a")
                        .at(1000)
                        .build();
        PacketRecord b =
                Packets.udp("10.0.0.1", 1, "10.0.0.2", 2)
                        .payload(10)
                        .ipId(77)
                        .sensor("b")
                        .at(1500)
                        .build();
        PacketRecord other =
                Packets.udp("10.0.0.1", 1, "10.0.0.2", 2)
                        .payload(10)
                        .ipId(78)
                        .sensor("b")
                        .at(1600)
                        .build();
        TrackResult first = t.track(null, a);
        TrackResult dup = t.track(first.connection(), b);
        assertThat(dup.duplicate()).isTrue();
        TrackResult next = t.track(dup.connection(), other);
        assertThat(next.duplicate()).isFalse();
        assertThat(next.connection().connection().getOrigPackets()).isEqualTo(2);
    }

    @Test
    void theMemoryIsBounded() {
        ConnectionTracker t =
                new ConnectionTracker(
                        ConntrackConfig.builder()
                                .duplicateWindow(Duration.ofSeconds(10))
                                .duplicateMemory(3)
                                .build());
        TrackedConnection c = null;
        for (int i = 0; i < 10; i++) {
            c =
                    t.track(
                                    c,
                                    Packets.udp("10.0.0.1", 1, "10.0.0.2", 2)
                                            .ipId(i)
                                            .at(1000 + i)
                                            .build())
                            .connection();
        }
        assertThat(c.state().getRecent()).hasSize(3);
        assertThat(c.state().getRecent().get(2).getIpId()).isEqualTo(9);
    }

    @Test
    void suppressionCanBeSwitchedOff() {
        ConnectionTracker t =
                new ConnectionTracker(
                        ConntrackConfig.builder()
                                .duplicateWindow(Duration.ofMillis(1))
                                .duplicateMemory(0)
                                .build());
        TrackResult r1 =
                t.track(null, Packets.udp("10.0.0.1", 1, "10.0.0.2", 2).sensor("a").at(1).build());
        TrackResult r2 =
                t.track(
                        r1.connection(),
                        Packets.udp("10.0.0.1", 1, "10.0.0.2", 2).sensor("b").at(2).build());
        assertThat(r2.duplicate()).isFalse();
        assertThat(r2.connection().state().getRecent()).isEmpty();
    }
}
