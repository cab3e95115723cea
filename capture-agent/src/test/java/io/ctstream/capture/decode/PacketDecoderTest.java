package io.ctstream.capture.decode;

import static io.ctstream.capture.decode.Frames.frame;
import static io.ctstream.capture.decode.Frames.v4;
import static io.ctstream.capture.decode.Frames.v6;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket p = new DecodedPacket();

    private boolean decode(int linkType, byte[] f) {
        return decoder.decode(linkType, f, f.length, f.length, p);
    }

    private static byte[] tcpSynWithOptions() {
        byte[] opts = {
            2, 4, 0x05, (byte) 0xb4, 4, 2, 1, 3, 3, 7
        }; // MSS, SACK-permitted, NOP, WS=7 (+2 pad below)
        byte[] padded = new byte[12];
        System.arraycopy(opts, 0, padded, 0, opts.length);
        return frame().ethernet(0x0800)
                .ipv4(20 + 32, 6, 0x4000, v4(10, 77, 1, 2), v4(10, 77, 2, 2))
                .tcp(54728, 21, 0xfffffff0L, 0, 0x02, padded)
                .build();
    }

    @Test
    void ethernetIpv4TcpSynWithOptions() {
        assertThat(decode(LinkType.ETHERNET, tcpSynWithOptions())).isTrue();
        assertThat(p.ipVersion()).isEqualTo(4);
        assertThat(p.protocol()).isEqualTo(6);
        assertThat(p.ipTotalLength()).isEqualTo(52);
        assertThat(p.ipId()).isEqualTo(0x1234);
        assertThat(p.ttl()).isEqualTo(64);
        assertThat(p.fragment()).isFalse();
        assertThat(p.srcPort()).isEqualTo(54728);
        assertThat(p.dstPort()).isEqualTo(21);
        assertThat(p.tcpSeq()).isEqualTo(0xfffffff0L);
        assertThat(p.tcpFlags()).isEqualTo(0x02);
        assertThat(p.tcpWindow()).isEqualTo(29200);
        assertThat(p.tcpWindowScale()).isEqualTo(7);
        assertThat(p.tcpSackPermitted()).isTrue();
        assertThat(p.payloadLength()).isZero();
        assertThat(decoder.counters().decoded()).isEqualTo(1);
    }

    @Test
    void windowScaleOnNonSynIsIgnoredAndSackBlocksGiveMaxRightEdge() {
        // NOP NOP SACK with two blocks; the second right edge wrapped past 2^32 is "after" the
        // first.
        byte[] opts =
                frame().u8(1, 1, 5, 18)
                        .u32(100)
                        .u32(0xfffffff0L)
                        .u32(0xfffffff8L)
                        .u32(0x10)
                        .u8(3, 3, 7, 0)
                        .build();
        byte[] f =
                frame().ethernet(0x0800)
                        .ipv4(20 + 20 + opts.length + 5, 6, 0, v4(10, 0, 0, 1), v4(10, 0, 0, 2))
                        .tcp(21, 40000, 1, 2, 0x18, opts)
                        .bytes("hello".getBytes(StandardCharsets.US_ASCII))
                        .build();
        assertThat(decode(LinkType.ETHERNET, f)).isTrue();
        assertThat(p.tcpMaxSack()).isEqualTo(0x10);
        assertThat(p.tcpWindowScale()).isEqualTo(-1);
        assertThat(p.payloadLength()).isEqualTo(5);
        assertThat(p.payloadCaptured()).isEqualTo(5);
    }

    @Test
    void vlanAndQinQTagsAreSkipped() {
        byte[] inner =
                frame().ipv4(28, 17, 0, v4(192, 168, 0, 1), v4(192, 168, 0, 2))
                        .udp(53, 5353, 8)
                        .build();
        byte[] dot1q = frame().ethernet(0x8100).u16(100).u16(0x0800).bytes(inner).build();
        byte[] qinq =
                frame().ethernet(0x88a8)
                        .u16(200)
                        .u16(0x8100)
                        .u16(100)
                        .u16(0x0800)
                        .bytes(inner)
                        .build();
        assertThat(decode(LinkType.ETHERNET, dot1q)).isTrue();
        assertThat(p.dstPort()).isEqualTo(5353);
        assertThat(decode(LinkType.ETHERNET, qinq)).isTrue();
        assertThat(p.srcPort()).isEqualTo(53);
        assertThat(p.protocol()).isEqualTo(17);
        assertThat(p.payloadLength()).isZero();
    }

    @Test
    void linuxCookedV1AndV2() {
        byte[] ip =
                frame().ipv4(28, 17, 0, v4(1, 2, 3, 4), v4(5, 6, 7, 8)).udp(1000, 2000, 8).build();
        byte[] sll =
                frame().u16(0)
                        .u16(1)
                        .u16(6)
                        .u8(1, 2, 3, 4, 5, 6, 0, 0)
                        .u16(0x0800)
                        .bytes(ip)
                        .build();
        byte[] sll2 =
                frame().u16(0x0800)
                        .u16(0)
                        .u32(3)
                        .u16(1)
                        .u8(0, 6)
                        .u8(1, 2, 3, 4, 5, 6, 0, 0)
                        .bytes(ip)
                        .build();
        assertThat(decode(LinkType.LINUX_SLL, sll)).isTrue();
        assertThat(p.srcPort()).isEqualTo(1000);
        assertThat(decode(LinkType.LINUX_SLL2, sll2)).isTrue();
        assertThat(p.dstPort()).isEqualTo(2000);
    }

    @Test
    void rawLinkTypes() {
        byte[] ip4 = frame().ipv4(28, 17, 0, v4(1, 2, 3, 4), v4(5, 6, 7, 8)).udp(1, 2, 8).build();
        byte[] ip6 = frame().ipv6(8, 17, v6(1), v6(2)).udp(3, 4, 8).build();
        for (int lt : new int[] {LinkType.RAW, LinkType.RAW_BSD, LinkType.RAW_OPENBSD}) {
            assertThat(decode(lt, ip4)).isTrue();
            assertThat(p.ipVersion()).isEqualTo(4);
            assertThat(decode(lt, ip6)).isTrue();
            assertThat(p.ipVersion()).isEqualTo(6);
        }
        assertThat(decode(LinkType.IPV4, ip4)).isTrue();
        assertThat(decode(LinkType.IPV6, ip6)).isTrue();
        assertThat(decode(LinkType.IPV4, ip6)).isFalse();
        assertThat(p.reject()).isEqualTo(RejectReason.BAD_IP_VERSION);
    }

    @Test
    void ipv4OptionsAreSkipped() {
        byte[] f =
                frame().ethernet(0x0800)
                        .u8(0x46, 0)
                        .u16(24 + 8)
                        .u16(1)
                        .u16(0)
                        .u8(64, 17)
                        .u16(0)
                        .bytes(v4(1, 1, 1, 1))
                        .bytes(v4(2, 2, 2, 2))
                        .u8(0x94, 4, 0, 0) // router alert
                        .udp(7, 9, 8)
                        .build();
        assertThat(decode(LinkType.ETHERNET, f)).isTrue();
        assertThat(p.srcPort()).isEqualTo(7);
        assertThat(p.dstPort()).isEqualTo(9);
    }

    @Test
    void ipv4FragmentsOnlyFirstCarriesPorts() {
        byte[] first =
                frame().ethernet(0x0800)
                        .ipv4(20 + 8 + 16, 17, 0x2000, v4(1, 1, 1, 1), v4(2, 2, 2, 2))
                        .udp(5000, 53, 1000)
                        .zeros(16)
                        .build();
        byte[] later =
                frame().ethernet(0x0800)
                        .ipv4(20 + 24, 17, 3, v4(1, 1, 1, 1), v4(2, 2, 2, 2))
                        .zeros(24)
                        .build();
        assertThat(decode(LinkType.ETHERNET, first)).isTrue();
        assertThat(p.fragment()).isTrue();
        assertThat(p.dstPort()).isEqualTo(53);
        assertThat(p.payloadLength()).isEqualTo(16);
        assertThat(decode(LinkType.ETHERNET, later)).isTrue();
        assertThat(p.fragment()).isTrue();
        assertThat(p.laterFragment()).isTrue();
        assertThat(p.srcPort()).isZero();
        assertThat(p.dstPort()).isZero();
        assertThat(p.payloadLength()).isEqualTo(24);
        assertThat(decoder.counters().fragments()).isEqualTo(2);
    }

    @Test
    void ipv6ExtensionChainIsWalked() {
        byte[] f =
                frame().ethernet(0x86dd)
                        .ipv6(8 + 16 + 8 + 12 + 8 + 20, 0, v6(2), v6(1))
                        .u8(43, 0)
                        .zeros(6) // hop-by-hop → routing
                        .u8(60, 1)
                        .zeros(14) // routing (16 bytes) → destination options
                        .u8(51, 0)
                        .zeros(6) // destination options → AH
                        .u8(44, 1)
                        .zeros(10) // AH (len 1 → 12 bytes) → fragment
                        .u8(6, 0)
                        .u16(1)
                        .u32(0xabcdef01L) // fragment: offset 0, M=1 → TCP
                        .tcp(40000, 21, 7, 8, 0x10, new byte[0])
                        .build();
        assertThat(decode(LinkType.ETHERNET, f)).isTrue();
        assertThat(p.protocol()).isEqualTo(6);
        assertThat(p.fragment()).isTrue();
        assertThat(p.ipId()).isEqualTo(0xabcdef01);
        assertThat(p.dstPort()).isEqualTo(21);
        assertThat(p.ipTotalLength()).isEqualTo(40 + 72);
    }

    @Test
    void ipv6StopsAtEspAndNoNextHeader() {
        byte[] esp = frame().ipv6(16, 50, v6(1), v6(2)).zeros(16).build();
        assertThat(decode(LinkType.RAW, esp)).isTrue();
        assertThat(p.protocol()).isEqualTo(50);
        assertThat(p.payloadLength()).isEqualTo(16);
        byte[] none = frame().ipv6(8, 60, v6(1), v6(2)).u8(59, 0).zeros(6).build();
        assertThat(decode(LinkType.RAW, none)).isTrue();
        assertThat(p.protocol()).isEqualTo(59);
    }

    @Test
    void icmpEchoUsesIdentifierAsPorts() {
        byte[] f =
                frame().ipv4(20 + 8 + 4, 1, 0, v4(10, 0, 0, 2), v4(10, 0, 0, 1))
                        .u8(8, 0)
                        .u16(0)
                        .u16(0x4242)
                        .u16(1)
                        .zeros(4)
                        .build();
        assertThat(decode(LinkType.RAW, f)).isTrue();
        assertThat(p.icmpType()).isEqualTo(8);
        assertThat(p.srcPort()).isEqualTo(0x4242);
        assertThat(p.dstPort()).isEqualTo(0x4242);
        assertThat(p.payloadLength()).isEqualTo(4);
        byte[] v6echo = frame().ipv6(8, 58, v6(1), v6(2)).u8(129, 0).u16(0).u16(77).u16(1).build();
        assertThat(decode(LinkType.RAW, v6echo)).isTrue();
        assertThat(p.icmpType()).isEqualTo(129);
        assertThat(p.srcPort()).isEqualTo(77);
    }

    @Test
    void icmpErrorIsKeyedByTheQuotedFlow() {
        byte[] quoted =
                frame().ipv4(40, 6, 0, v4(10, 77, 2, 2), v4(10, 77, 1, 99))
                        .u16(20)
                        .u16(33000)
                        .u32(5)
                        .build();
        byte[] f =
                frame().ethernet(0x0800)
                        .ipv4(20 + 8 + quoted.length, 1, 0, v4(10, 77, 2, 1), v4(10, 77, 2, 2))
                        .u8(3, 1)
                        .u16(0)
                        .u32(0)
                        .bytes(quoted)
                        .build();
        assertThat(decode(LinkType.ETHERNET, f)).isTrue();
        assertThat(p.hasQuoted()).isTrue();
        assertThat(p.quotedProtocol()).isEqualTo(6);
        assertThat(p.quotedSrcPort()).isEqualTo(20);
        assertThat(p.quotedDstPort()).isEqualTo(33000);
        FlowKey key = FlowKeyOracle.of(p);
        assertThat(key.getProtocol()).isEqualTo(6);
        assertThat(key.getAddrA()).isEqualTo(ByteBuffer.wrap(v4(10, 77, 1, 99)));
        assertThat(key.getPortA()).isEqualTo(33000);
        assertThat(key.getPortB()).isEqualTo(20);
        PacketRecord r = PacketRecords.toRecord(p, "s1", 5, null, 0);
        assertThat(r.getIcmpQuoted().getSrcPort()).isEqualTo(20);
        assertThat(r.getIcmpQuoted().getSrc()).isEqualTo(ByteBuffer.wrap(v4(10, 77, 2, 2)));
        assertThat(r.getIcmpType()).isEqualTo(3);
        assertThat(r.getIcmpCode()).isEqualTo(1);
    }

    @Test
    void icmpv6ErrorQuotesAnIpv6Packet() {
        byte[] quoted =
                frame().ipv6(20, 6, v6(2), v6(9)).tcp(21, 50000, 1, 1, 0x10, new byte[0]).build();
        byte[] f =
                frame().ipv6(8 + quoted.length, 58, v6(3), v6(2))
                        .u8(1, 3)
                        .u16(0)
                        .u32(0)
                        .bytes(quoted)
                        .build();
        assertThat(decode(LinkType.RAW, f)).isTrue();
        assertThat(p.hasQuoted()).isTrue();
        assertThat(p.quotedIpVersion()).isEqualTo(6);
        assertThat(p.quotedDstPort()).isEqualTo(50000);
        assertThat(FlowKeyOracle.of(p).getPortA()).isEqualTo(21);
    }

    @Test
    void bothDirectionsShareOneFlowKey() {
        byte[] ab = frame().ipv4(28, 17, 0, v4(200, 0, 0, 1), v4(10, 0, 0, 1)).udp(1, 2, 8).build();
        byte[] ba = frame().ipv4(28, 17, 0, v4(10, 0, 0, 1), v4(200, 0, 0, 1)).udp(2, 1, 8).build();
        decode(LinkType.RAW, ab);
        FlowKey k1 = FlowKeyOracle.of(p);
        decode(LinkType.RAW, ba);
        FlowKey k2 = FlowKeyOracle.of(p);
        assertThat(k1).isEqualTo(k2);
        // 200.x sorts above 10.x as unsigned bytes
        assertThat(k1.getAddrA()).isEqualTo(ByteBuffer.wrap(v4(10, 0, 0, 1)));
        assertThat(k1.getPortA()).isEqualTo(2);
        // same address: the port decides
        byte[] self = frame().ipv4(28, 17, 0, v4(1, 1, 1, 1), v4(1, 1, 1, 1)).udp(9, 3, 8).build();
        decode(LinkType.RAW, self);
        assertThat(FlowKeyOracle.of(p).getPortA()).isEqualTo(3);
    }

    @Test
    void snaplenCutPayloadKeepsOriginalLength() {
        byte[] full =
                frame().ethernet(0x0800)
                        .ipv4(20 + 20 + 100, 6, 0, v4(1, 1, 1, 1), v4(2, 2, 2, 2))
                        .tcp(21, 3000, 1, 1, 0x18, new byte[0])
                        .zeros(100)
                        .build();
        int snap = 14 + 40 + 10;
        assertThat(decoder.decode(LinkType.ETHERNET, full, snap, full.length, p)).isTrue();
        assertThat(p.payloadLength()).isEqualTo(100);
        assertThat(p.payloadCaptured()).isEqualTo(10);
        PacketRecord r = PacketRecords.toRecord(p, "s", 1, "eth0", 4096);
        assertThat(r.getPayloadLength()).isEqualTo(100);
        assertThat(r.getPayload().remaining()).isEqualTo(10);
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] f =
                frame().ethernet(0x0800)
                        .ipv4(40, 6, 0, v4(1, 1, 1, 1), v4(2, 2, 2, 2))
                        .tcp(21, 3000, 1, 1, 0x10, new byte[0])
                        .zeros(6)
                        .build();
        assertThat(decode(LinkType.ETHERNET, f)).isTrue();
        assertThat(p.payloadLength()).isZero();
        assertThat(p.payloadCaptured()).isZero();
    }

    @Test
    void malformedFramesAreRejectedByReason() {
        expectReject(LinkType.ETHERNET, new byte[5], RejectReason.TRUNCATED_LINK_HEADER);
        expectReject(
                LinkType.ETHERNET,
                frame().ethernet(0x0806).zeros(28).build(),
                RejectReason.UNKNOWN_ETHERTYPE);
        expectReject(
                LinkType.ETHERNET,
                frame().ethernet(0x8100).u16(1).build(),
                RejectReason.TRUNCATED_LINK_HEADER);
        expectReject(
                LinkType.ETHERNET,
                frame().ethernet(0x0800).zeros(10).build(),
                RejectReason.TRUNCATED_IP_HEADER);
        expectReject(
                LinkType.ETHERNET,
                frame().ethernet(0x0800).u8(0x43).zeros(39).build(),
                RejectReason.BAD_IPV4_IHL);
        expectReject(
                LinkType.ETHERNET,
                frame().ethernet(0x0800).u8(0x4f).zeros(39).build(),
                RejectReason.BAD_IPV4_IHL);
        expectReject(
                LinkType.RAW,
                frame().ipv4(19, 6, 0, v4(1, 1, 1, 1), v4(2, 2, 2, 2)).build(),
                RejectReason.BAD_IP_TOTAL_LENGTH);
        expectReject(
                LinkType.RAW,
                frame().ipv4(2000, 6, 0, v4(1, 1, 1, 1), v4(2, 2, 2, 2)).zeros(20).build(),
                RejectReason.BAD_IP_TOTAL_LENGTH);
        expectReject(
                LinkType.RAW,
                frame().ipv4(30, 6, 0, v4(1, 1, 1, 1), v4(2, 2, 2, 2)).zeros(10).build(),
                RejectReason.TRUNCATED_TCP_HEADER);
        expectReject(
                LinkType.RAW,
                frame().ipv4(40, 6, 0, v4(1, 1, 1, 1), v4(2, 2, 2, 2))
                        .u16(1)
                        .u16(2)
                        .u32(0)
                        .u32(0)
                        .u8(0x30, 0)
                        .zeros(6)
                        .build(),
                RejectReason.BAD_TCP_DATA_OFFSET);
        expectReject(
                LinkType.RAW,
                frame().ipv4(26, 17, 0, v4(1, 1, 1, 1), v4(2, 2, 2, 2)).zeros(6).build(),
                RejectReason.TRUNCATED_UDP_HEADER);
        expectReject(
                LinkType.RAW,
                frame().ipv4(28, 17, 0, v4(1, 1, 1, 1), v4(2, 2, 2, 2)).udp(1, 2, 4).build(),
                RejectReason.BAD_UDP_LENGTH);
        expectReject(
                LinkType.RAW,
                frame().ipv4(24, 1, 0, v4(1, 1, 1, 1), v4(2, 2, 2, 2)).zeros(4).build(),
                RejectReason.TRUNCATED_ICMP_HEADER);
        expectReject(
                LinkType.RAW,
                frame().ipv6(8, 0, v6(1), v6(2)).u8(6, 4).zeros(6).build(),
                RejectReason.TRUNCATED_IPV6_EXTENSION);
        expectReject(LinkType.RAW, frame().u8(0x50).zeros(30).build(), RejectReason.BAD_IP_VERSION);
        expectReject(999, new byte[64], RejectReason.UNSUPPORTED_LINK_TYPE);
        assertThat(decoder.counters().rejectedTotal()).isEqualTo(16);
        assertThat(decoder.counters().rejected(RejectReason.BAD_IPV4_IHL)).isEqualTo(2);
        assertThat(decoder.counters().decoded()).isZero();
    }

    private void expectReject(int linkType, byte[] f, RejectReason reason) {
        assertThat(decode(linkType, f)).as(reason.name()).isFalse();
        assertThat(p.reject()).isEqualTo(reason);
    }
}
