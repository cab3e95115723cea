package io.ctstream.enforcement.hold;

import static io.ctstream.enforcement.TestVerdicts.match;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HeldPacketsTest {
    private final HeldPackets held = new HeldPackets(500, 2_000, 3);

    static HeldTuple syn(String src, int sport, String dst, int dport) throws Exception {
        return new HeldTuple(
                4,
                6,
                InetAddress.getByName(src).getAddress(),
                sport,
                InetAddress.getByName(dst).getAddress(),
                dport);
    }

    @Test
    void aHeldPacketIsReleasedWhenItsPinholeIsAppliedAndOnlyThen() throws Exception {
        assertThat(held.arrived(1, syn("10.61.1.2", 40000, "10.61.2.2", 30001), 0)).isEmpty();
        assertThat(held.arrived(2, syn("10.61.1.2", 40002, "10.61.2.2", 30002), 10)).isEmpty();
        assertThat(
                        held.applied(
                                PinholeMatch.of(match("10.61.1.2", -1, "10.61.2.2", 6, 30001)),
                                120))
                .containsExactly(
                        new HeldPackets.Decision(1, HeldPackets.Verdict.ACCEPT, 120, "pinhole"));
        assertThat(held.size()).isEqualTo(1);
        assertThat(held.expired(509)).isEmpty();
        assertThat(held.expired(510))
                .containsExactly(
                        new HeldPackets.Decision(2, HeldPackets.Verdict.DROP, 500, "no-pinhole"));
    }

    @Test
    void aPinholeAppliedJustBeforeThePacketReachedTheQueueReleasesItAtOnce() throws Exception {
        held.applied(PinholeMatch.of(match(null, -1, "10.61.2.2", 6, 30001)), 0);
        assertThat(held.arrived(7, syn("192.0.2.9", 1234, "10.61.2.2", 30001), 1_000))
                .containsExactly(
                        new HeldPackets.Decision(7, HeldPackets.Verdict.ACCEPT, 0, "pinhole"));
        assertThat(held.arrived(8, syn("192.0.2.9", 1234, "10.61.2.2", 30001), 2_001))
                .as("remembered 2 s only")
                .isEmpty();
    }

    @Test
    void aRevokedPinholeReleasesNothing() throws Exception {
        PinholeMatch m = PinholeMatch.of(match("10.61.1.0", 24, "10.61.2.2", 6, 30001));
        held.applied(m, 0);
        held.removed(m);
        assertThat(held.arrived(1, syn("10.61.1.7", 1, "10.61.2.2", 30001), 1)).isEmpty();
    }

    @Test
    void theSourcePrefixProtocolAndPortMustAllMatch() throws Exception {
        PinholeMatch m = PinholeMatch.of(match("10.61.1.0", 24, "10.61.2.2", 6, 30001));
        assertThat(m.admits(syn("10.61.1.200", 5, "10.61.2.2", 30001))).isTrue();
        assertThat(m.admits(syn("10.61.2.200", 5, "10.61.2.2", 30001))).isFalse();
        assertThat(m.admits(syn("10.61.1.200", 5, "10.61.2.2", 30002))).isFalse();
        assertThat(m.admits(syn("10.61.1.200", 5, "10.61.2.3", 30001))).isFalse();
        assertThat(
                        m.admits(
                                new HeldTuple(
                                        4,
                                        17,
                                        InetAddress.getByName("10.61.1.200").getAddress(),
                                        5,
                                        InetAddress.getByName("10.61.2.2").getAddress(),
                                        30001)))
                .as("UDP")
                .isFalse();
    }

    @Test
    void beyondTheCapANewPacketIsDroppedAtOnce() throws Exception {
        for (int i = 0; i < 3; i++) {
            held.arrived(i, syn("10.61.1.2", 40000 + i, "10.61.2.2", 30001), 0);
        }
        assertThat(held.arrived(9, syn("10.61.1.2", 49999, "10.61.2.2", 30001), 0))
                .containsExactly(
                        new HeldPackets.Decision(9, HeldPackets.Verdict.DROP, 0, "hold-full"));
    }

    @Test
    void tuplesAreReadFromIpv4AndIpv6HeadersAndGarbageIsRefused() throws Exception {
        byte[] v4 =
                ByteBuffer.allocate(40)
                        .put((byte) 0x45)
                        .position(9)
                        .put((byte) 6)
                        .put(new byte[2])
                        .put(InetAddress.getByName("10.61.1.2").getAddress())
                        .put(InetAddress.getByName("10.61.2.2").getAddress())
                        .putShort((short) 40000)
                        .putShort((short) 30001)
                        .array();
        assertThat(HeldTuple.parse(v4, v4.length))
                .contains(syn("10.61.1.2", 40000, "10.61.2.2", 30001));
        byte[] v6 =
                ByteBuffer.allocate(60)
                        .put((byte) 0x60)
                        .position(6)
                        .put((byte) 6)
                        .put((byte) 64)
                        .put(InetAddress.getByName("2001:db8::1").getAddress())
                        .put(InetAddress.getByName("2001:db8::2").getAddress())
                        .putShort((short) 40000)
                        .putShort((short) 21)
                        .array();
        assertThat(HeldTuple.parse(v6, v6.length))
                .contains(
                        new HeldTuple(
                                6,
                                6,
                                InetAddress.getByName("2001:db8::1").getAddress(),
                                40000,
                                InetAddress.getByName("2001:db8::2").getAddress(),
                                21));
        assertThat(HeldTuple.parse(v4, 22)).as("truncated").isEmpty();
        assertThat(HeldTuple.parse(new byte[] {0x15, 1, 2}, 3)).as("not IP").isEmpty();
    }
}
