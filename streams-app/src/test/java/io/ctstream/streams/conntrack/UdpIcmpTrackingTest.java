package io.ctstream.streams.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Direction;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.StatusFlag;
import io.ctstream.avro.TcpState;
import io.ctstream.avro.Tuple;
import org.junit.jupiter.api.Test;

class UdpIcmpTrackingTest {

    private static final long T0 = 1_700_000_000_000_000L;
    private static final long SEC = 1_000_000L;

    private final ConnectionTracker tracker = new ConnectionTracker(ConntrackConfig.defaults());
    private TrackedConnection stored;

    private TrackResult feed(PacketRecord p) {
        TrackResult r = tracker.track(stored, p);
        stored = r.connection();
        return r;
    }

    private static PacketRecord dns(long at) {
        return Packets.udp("10.0.0.1", 5353, "10.0.0.53", 53).payload(30).at(at).build();
    }

    private static PacketRecord dnsReply(long at) {
        return Packets.udp("10.0.0.53", 53, "10.0.0.1", 5353).payload(80).at(at).build();
    }

    @Test
    void udpGoesUnrepliedThenRepliedThenAssuredAfterTwoSeconds() {
        TrackResult first = feed(dns(T0));
        assertThat(first.packetState()).isEqualTo(PacketState.NEW);
        assertThat(first.changes()).containsExactly(Change.CREATED);
        assertThat(stored.connection().getTcpState()).isEqualTo(TcpState.NONE);
        assertThat(stored.connection().getTimeoutAtMicros()).isEqualTo(T0 + 30 * SEC);

        TrackResult again = feed(dns(T0 + 100));
        assertThat(again.packetState()).isEqualTo(PacketState.NEW);

        TrackResult reply = feed(dnsReply(T0 + 200));
        assertThat(reply.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(reply.direction()).isEqualTo(Direction.REPLY);
        assertThat(reply.changes()).containsExactly(Change.SEEN_REPLY);
        assertThat(stored.connection().getTimeoutAtMicros()).isEqualTo(T0 + 200 + 30 * SEC);

        // replied, but within two seconds of creation: still the short timeout, not ASSURED
        TrackResult early = feed(dns(T0 + SEC));
        assertThat(early.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(early.changes()).isEmpty();
        assertThat(stored.connection().getTimeoutAtMicros()).isEqualTo(T0 + SEC + 30 * SEC);

        TrackResult later = feed(dnsReply(T0 + 3 * SEC));
        assertThat(later.changes()).containsExactly(Change.ASSURED);
        assertThat(stored.connection().getStatus())
                .containsExactly(StatusFlag.SEEN_REPLY, StatusFlag.ASSURED);
        assertThat(stored.connection().getTimeoutAtMicros()).isEqualTo(T0 + 3 * SEC + 120 * SEC);

        assertThat(stored.connection().getOrigPackets()).isEqualTo(3);
        assertThat(stored.connection().getOrigBytes()).isEqualTo(3 * 58);
        assertThat(stored.connection().getReplyPackets()).isEqualTo(2);
        assertThat(stored.connection().getReplyBytes()).isEqualTo(2 * 108);
        assertThat(stored.connection().getHistory()).isEqualTo("Dd");
    }

    @Test
    void unrepliedUdpExpiresAfterThirtySeconds() {
        feed(dns(T0));
        assertThat(tracker.expire(stored, T0 + 30 * SEC - 1)).isEmpty();
        assertThat(tracker.expire(stored, T0 + 30 * SEC)).isPresent();
    }

    @Test
    void icmpEchoRequestAndReplyFormOneConnection() {
        TrackResult req = feed(Packets.icmp("10.0.0.1", "10.0.0.2", 8, 4242).at(T0).build());
        assertThat(req.packetState()).isEqualTo(PacketState.NEW);
        assertThat(stored.connection().getOrig().getSrcPort()).isEqualTo(4242);
        assertThat(stored.connection().getReply().getDstPort()).isEqualTo(4242);
        assertThat(stored.connection().getTimeoutAtMicros()).isEqualTo(T0 + 30 * SEC);

        TrackResult rep = feed(Packets.icmp("10.0.0.2", "10.0.0.1", 0, 4242).at(T0 + 500).build());
        assertThat(rep.packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(rep.changes()).containsExactly(Change.SEEN_REPLY);
        assertThat(stored.connection().getReplyPackets()).isEqualTo(1);

        // ICMP never becomes ASSURED
        feed(Packets.icmp("10.0.0.1", "10.0.0.2", 8, 4242).at(T0 + SEC * 3).build());
        feed(Packets.icmp("10.0.0.2", "10.0.0.1", 0, 4242).at(T0 + SEC * 3 + 500).build());
        assertThat(stored.connection().getStatus()).containsExactly(StatusFlag.SEEN_REPLY);

        // an echo request from the responder with the same id is not part of this connection
        TrackResult wrongType =
                feed(Packets.icmp("10.0.0.2", "10.0.0.1", 8, 4242).at(T0 + SEC * 4).build());
        assertThat(wrongType.packetState()).isEqualTo(PacketState.INVALID);
    }

    @Test
    void unsolicitedEchoReplyAndOtherInfoTypesAreInvalid() {
        assertThat(feed(Packets.icmp("10.0.0.2", "10.0.0.1", 0, 7).at(T0).build()).packetState())
                .isEqualTo(PacketState.INVALID);
        assertThat(stored).isNull();
        assertThat(feed(Packets.icmp("10.0.0.2", "10.0.0.1", 9, 0).at(T0).build()).packetState())
                .isEqualTo(PacketState.INVALID);
        TrackResult timestamp = feed(Packets.icmp("10.0.0.1", "10.0.0.2", 13, 9).at(T0).build());
        assertThat(timestamp.packetState()).isEqualTo(PacketState.NEW);
        assertThat(
                        feed(Packets.icmp("10.0.0.2", "10.0.0.1", 14, 9).at(T0 + 1).build())
                                .packetState())
                .isEqualTo(PacketState.ESTABLISHED);
    }

    @Test
    void icmpv6EchoPairsAndNeighbourDiscoveryIsUntracked() {
        TrackResult req = feed(Packets.icmp("fd77:1::2", "fd77:2::2", 128, 99).at(T0).build());
        assertThat(req.packetState()).isEqualTo(PacketState.NEW);
        assertThat(stored.connection().getOrig().getProtocol()).isEqualTo(58);
        assertThat(stored.connection().getTimeoutAtMicros()).isEqualTo(T0 + 30 * SEC);
        TrackResult rep = feed(Packets.icmp("fd77:2::2", "fd77:1::2", 129, 99).at(T0 + 10).build());
        assertThat(rep.packetState()).isEqualTo(PacketState.ESTABLISHED);

        stored = null;
        TrackResult ns = feed(Packets.icmp("fd77:1::2", "ff02::1:ff00:2", 135, 0).at(T0).build());
        assertThat(ns.packetState()).isEqualTo(PacketState.UNTRACKED);
        assertThat(ns.packetState().toCtState()).isNull();
        assertThat(ns.connection()).isNull();
    }

    @Test
    void icmpErrorQuotingATrackedConnectionIsRelated() {
        feed(dns(T0));
        TrackedConnection udp = stored;
        Tuple quoted = Tuples.of(dns(T0)); // the datagram as it travelled 10.0.0.1 -> 10.0.0.53
        PacketRecord unreachable =
                Packets.icmp("10.0.0.53", "10.0.0.1", 3, 0).quoting(quoted).at(T0 + 10).build();
        assertThat(IcmpErrorSupport.quotedTuple(unreachable)).contains(quoted);
        assertThat(PacketFlowKeys.of(unreachable)).isEqualTo(PacketFlowKeys.of(dns(T0)));

        TrackResult r = feed(unreachable);
        assertThat(r.packetState()).isEqualTo(PacketState.RELATED);
        assertThat(r.direction()).isEqualTo(Direction.REPLY);
        assertThat(r.changes()).isEmpty();
        assertThat(stored).isEqualTo(udp); // not accounted, timer not refreshed (like the kernel)

        // a router on the way may send it too: only the destination must be the quoted packet's
        // source
        PacketRecord fromRouter =
                Packets.icmp("192.0.2.1", "10.0.0.1", 11, 0).quoting(quoted).at(T0 + 11).build();
        assertThat(feed(fromRouter).packetState()).isEqualTo(PacketState.RELATED);

        PacketRecord misdirected =
                Packets.icmp("10.0.0.53", "10.0.0.99", 3, 0).quoting(quoted).at(T0 + 12).build();
        TrackResult bad = feed(misdirected);
        assertThat(bad.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(bad.reason()).contains("outer daddr mismatch");
    }

    @Test
    void icmpErrorQuotingNothingKnownIsInvalid() {
        Tuple quoted = Tuples.of(dns(T0));
        TrackResult r =
                feed(Packets.icmp("10.0.0.53", "10.0.0.1", 3, 0).quoting(quoted).at(T0).build());
        assertThat(r.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(r.connection()).isNull();
        TrackResult noQuote = feed(Packets.icmp("10.0.0.53", "10.0.0.1", 3, 0).at(T0).build());
        assertThat(noQuote.packetState()).isEqualTo(PacketState.INVALID);
    }

    @Test
    void icmpv6ErrorQuotingATcpConnectionIsRelated() {
        TcpSession s = new TcpSession(tracker, "fd77:1::2", 50000, "fd77:2::2", 21);
        s.c(TcpSession.S, 1000, 0);
        Tuple quoted = Tuples.of(s.fromClient(TcpSession.S, 1000, 0).build());
        PacketRecord tooBig =
                Packets.icmp("fd77:1::1", "fd77:1::2", 2, 0).quoting(quoted).at(s.now + 5).build();
        TrackResult r = tracker.track(s.stored, tooBig);
        assertThat(r.packetState()).isEqualTo(PacketState.RELATED);
    }

    @Test
    void otherProtocolsUseTheGenericTimeout() {
        PacketRecord gre =
                new Packets()
                        .proto(47)
                        .from("10.0.0.1", 0)
                        .to("10.0.0.2", 0)
                        .len(100)
                        .at(T0)
                        .build();
        TrackResult r = feed(gre);
        assertThat(r.packetState()).isEqualTo(PacketState.NEW);
        assertThat(stored.connection().getTimeoutAtMicros()).isEqualTo(T0 + 600 * SEC);
        PacketRecord back =
                new Packets()
                        .proto(47)
                        .from("10.0.0.2", 0)
                        .to("10.0.0.1", 0)
                        .len(100)
                        .at(T0 + 1)
                        .build();
        assertThat(feed(back).changes()).containsExactly(Change.SEEN_REPLY);
    }

    @Test
    void malformedPacketsAreRejectedWithAReason() {
        PacketRecord bad = Packets.udp("10.0.0.1", 1, "10.0.0.2", 2).at(T0).build();
        bad.setDst(java.nio.ByteBuffer.wrap(new byte[16]));
        TrackResult r = feed(bad);
        assertThat(r.packetState()).isEqualTo(PacketState.INVALID);
        assertThat(r.reason()).startsWith("malformed packet");
    }
}
