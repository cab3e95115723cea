package io.ctstream.capture.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.file.CaptureFileCheck;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.capture.file.PcapWriter;
import io.ctstream.capture.robustness.LabFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every lab packet, rewritten into each supported non-Ethernet link type (the Ethernet header
 * stripped, that link type's header prepended) and written with {@link PcapWriter}, reads back and
 * decodes to the same packet record as the Ethernet original.
 */
class LinkTypesTest {

    /** One way of framing an IP packet: the link type and its header for IPv4 (4) or IPv6 (6). */
    record Framing(String name, int linkType, IntFunction<byte[]> header) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static byte[] ipnet(int family) {
        byte[] h = new byte[24];
        h[0] = 1; // dli_version
        h[1] = (byte) family;
        return h;
    }

    static Stream<Arguments> framings() {
        return Stream.of(
                        // tcpdump -i lo0 on macOS (little-endian host: AF_INET6 = 30)
                        new Framing(
                                "NULL, little-endian host, macOS",
                                LinkType.NULL,
                                v -> v == 4 ? bytes(2, 0, 0, 0) : bytes(30, 0, 0, 0)),
                        // a big-endian host's capture on FreeBSD (AF_INET6 = 28)
                        new Framing(
                                "NULL, big-endian host, FreeBSD",
                                LinkType.NULL,
                                v -> v == 4 ? bytes(0, 0, 0, 2) : bytes(0, 0, 0, 28)),
                        // OpenBSD loopback: network byte order, AF_INET6 = 24
                        new Framing(
                                "LOOP, OpenBSD",
                                LinkType.LOOP,
                                v -> v == 4 ? bytes(0, 0, 0, 2) : bytes(0, 0, 0, 24)),
                        new Framing(
                                "PPP",
                                LinkType.PPP,
                                v -> v == 4 ? bytes(0x00, 0x21) : bytes(0x00, 0x57)),
                        new Framing(
                                "PPP, compressed protocol field",
                                LinkType.PPP,
                                v -> v == 4 ? bytes(0x21) : bytes(0x57)),
                        new Framing(
                                "PPP with address and control",
                                LinkType.PPP,
                                v ->
                                        v == 4
                                                ? bytes(0xff, 0x03, 0x00, 0x21)
                                                : bytes(0xff, 0x03, 0x00, 0x57)),
                        new Framing(
                                "PPP_HDLC",
                                LinkType.PPP_HDLC,
                                v ->
                                        v == 4
                                                ? bytes(0xff, 0x03, 0x00, 0x21)
                                                : bytes(0xff, 0x03, 0x00, 0x57)),
                        new Framing(
                                "PPP_HDLC holding Cisco HDLC",
                                LinkType.PPP_HDLC,
                                v ->
                                        v == 4
                                                ? bytes(0x0f, 0x00, 0x08, 0x00)
                                                : bytes(0x0f, 0x00, 0x86, 0xdd)),
                        new Framing(
                                "C_HDLC",
                                LinkType.C_HDLC,
                                v ->
                                        v == 4
                                                ? bytes(0x8f, 0x00, 0x08, 0x00)
                                                : bytes(0x0f, 0x00, 0x86, 0xdd)),
                        new Framing("IPNET", LinkType.IPNET, v -> v == 4 ? ipnet(2) : ipnet(26)),
                        new Framing("RAW", LinkType.RAW, v -> new byte[0]))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framings")
    void labPacketsDecodeAsTheirEthernetOriginals(Framing framing, @TempDir Path dir)
            throws IOException {
        int v4 = 0;
        int v6 = 0;
        for (Path lab : LabFiles.pcaps()) {
            List<PacketRecord> expected = new ArrayList<>();
            Path rewritten = dir.resolve(lab.getFileName() + "." + framing.linkType() + ".pcap");
            PacketDecoder ethernet = new PacketDecoder();
            DecodedPacket p = new DecodedPacket();
            try (CaptureFileReader in = CaptureFiles.open(lab);
                    PcapWriter out = new PcapWriter(rewritten, framing.linkType(), 65535)) {
                CapturedFrame f = new CapturedFrame();
                while (in.next(f)) {
                    assertThat(f.linkType()).isEqualTo(LinkType.ETHERNET);
                    int etherType = (f.data()[12] & 0xff) << 8 | f.data()[13] & 0xff;
                    if (etherType != 0x0800 && etherType != 0x86dd) {
                        continue; // only IP has a counterpart in every framing
                    }
                    assertThat(
                                    ethernet.decode(
                                            LinkType.ETHERNET,
                                            f.data(),
                                            f.capturedLength(),
                                            f.originalLength(),
                                            p))
                            .isTrue();
                    expected.add(record(p, f));
                    byte[] header = framing.header().apply(etherType == 0x0800 ? 4 : 6);
                    byte[] framed = new byte[header.length + f.capturedLength() - 14];
                    System.arraycopy(header, 0, framed, 0, header.length);
                    System.arraycopy(f.data(), 14, framed, header.length, f.capturedLength() - 14);
                    out.write(f.timestampMicros(), framed, 0, framed.length);
                    if (etherType == 0x0800) {
                        v4++;
                    } else {
                        v6++;
                    }
                }
            }
            assertThat(CaptureFileCheck.check(rewritten).linkTypes())
                    .containsExactly(framing.linkType());
            List<PacketRecord> actual = new ArrayList<>();
            PacketDecoder decoder = new PacketDecoder();
            try (CaptureFileReader in = CaptureFiles.open(rewritten)) {
                CapturedFrame f = new CapturedFrame();
                while (in.next(f)) {
                    assertThat(f.linkType()).isEqualTo(framing.linkType());
                    assertThat(
                                    decoder.decode(
                                            f.linkType(),
                                            f.data(),
                                            f.capturedLength(),
                                            f.originalLength(),
                                            p))
                            .as("%s packet %d: %s", lab.getFileName(), actual.size(), p.reject())
                            .isTrue();
                    actual.add(record(p, f));
                }
            }
            assertThat(actual).as(lab.getFileName().toString()).isEqualTo(expected);
        }
        assertThat(v4).as("IPv4 packets in the lab captures").isPositive();
        assertThat(v6).as("IPv6 packets in the lab captures").isPositive();
    }

    private static PacketRecord record(DecodedPacket p, CapturedFrame f) {
        return PacketRecords.toRecord(p, "s", f.timestampMicros(), null, Integer.MAX_VALUE);
    }

    @Test
    void aLoopbackFamilyOtherThanInetIsCountedNotDecoded() {
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        byte[] appletalk = {16, 0, 0, 0, 0x45, 0, 0, 20}; // AF_APPLETALK
        assertThat(decoder.decode(LinkType.NULL, appletalk, appletalk.length, appletalk.length, p))
                .isFalse();
        assertThat(p.reject()).isEqualTo(RejectReason.UNKNOWN_ETHERTYPE);
        byte[] shortHeader = {2, 0};
        assertThat(decoder.decode(LinkType.LOOP, shortHeader, 2, 2, p)).isFalse();
        assertThat(p.reject()).isEqualTo(RejectReason.TRUNCATED_LINK_HEADER);
        byte[] lcp = {
            (byte) 0xff, 0x03, (byte) 0xc0, 0x21, 1, 1, 0, 4
        }; // PPP LCP configure-request
        assertThat(decoder.decode(LinkType.PPP, lcp, lcp.length, lcp.length, p)).isFalse();
        assertThat(p.reject()).isEqualTo(RejectReason.UNKNOWN_ETHERTYPE);
        assertThat(decoder.counters().rejectedByReason())
                .containsEntry(RejectReason.UNKNOWN_ETHERTYPE, 2L)
                .containsEntry(RejectReason.TRUNCATED_LINK_HEADER, 1L);
    }

    @Test
    void anUnsupportedLinkTypeIsRefusedByTheCheckNamingFileAndType(@TempDir Path dir)
            throws IOException {
        Path wifi = dir.resolve("wifi.pcap");
        try (PcapWriter out = new PcapWriter(wifi, 105, 65535)) { // LINKTYPE_IEEE802_11
            out.write(0, new byte[30], 0, 30);
        }
        assertThatThrownBy(() -> CaptureFileCheck.check(wifi))
                .isInstanceOf(UnsupportedLinkTypeException.class)
                .hasMessageContaining(wifi.toString())
                .hasMessageContaining("unsupported link type 105")
                .hasMessageContaining("BSD loopback NULL (0)");
        assertThat(
                        Arrays.asList(
                                LinkType.NULL,
                                LinkType.LOOP,
                                LinkType.PPP,
                                LinkType.PPP_HDLC,
                                LinkType.C_HDLC,
                                LinkType.IPNET))
                .allMatch(LinkType::isSupported);
    }
}
