package io.ctstream.capture.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.encode.PacketRecordEncoder;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.capture.robustness.LabFiles;
import io.ctstream.serde.ConfluentWireFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every lab capture decodes to exactly tshark's packet count, and every packet's addresses, ports,
 * flags, raw seq/ack, IP total length and payload length equal tshark's fields.
 */
class TsharkConformanceTest {
    private static final String[] FIELDS = {
        "frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.len", "ipv6.plen",
        "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.seq", "tcp.ack", "tcp.len",
                "tcp.window_size_value",
        "udp.srcport", "udp.dstport", "udp.length", "icmp.type", "icmpv6.type"
    };

    static Stream<Path> labPcaps() {
        return LabFiles.pcaps().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labPcaps")
    void decodesLikeTshark(Path pcap) throws IOException {
        List<String[]> expected = Tshark.fields(pcap, FIELDS);
        List<PacketRecord> ours = decodeAll(pcap);
        // tshark -T fields prints one line per packet it reads: its packet count
        assertThat(ours).as("decoded packets of %s vs tshark -r", pcap).hasSize(expected.size());
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < ours.size(); i++) {
            compare(soft, pcap.getFileName() + " #" + (i + 1), ours.get(i), expected.get(i));
        }
        soft.assertAll();
    }

    private static List<PacketRecord> decodeAll(Path pcap) throws IOException {
        List<PacketRecord> out = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        PacketRecordEncoder encoder = new PacketRecordEncoder(1, "conformance");
        DecodedPacket p = new DecodedPacket();
        CapturedFrame f = new CapturedFrame();
        try (CaptureFileReader r = CaptureFiles.open(pcap)) {
            while (r.next(f)) {
                assertThat(
                                decoder.decode(
                                        f.linkType(),
                                        f.data(),
                                        f.capturedLength(),
                                        f.originalLength(),
                                        p))
                        .as("%s frame at offset %d rejected: %s", pcap, f.fileOffset(), p.reject())
                        .isTrue();
                // what the agent publishes: the encoder's bytes, read back by Avro
                out.add(read(encoder.encode(p, f.timestampMicros(), null, Integer.MAX_VALUE)));
            }
        }
        return out;
    }

    private static PacketRecord read(byte[] value) throws IOException {
        assertThat(ConfluentWireFormat.readSchemaId("packets", false, value)).isEqualTo(1);
        int header = ConfluentWireFormat.HEADER_SIZE;
        return new SpecificDatumReader<>(PacketRecord.class)
                .read(
                        null,
                        DecoderFactory.get()
                                .binaryDecoder(value, header, value.length - header, null));
    }

    private static void compare(SoftAssertions soft, String what, PacketRecord r, String[] t) {
        boolean v6 = r.getIpVersion() == 6;
        soft.assertThat(addr(r.getSrc())).as(what + " src").isEqualTo(parse(v6 ? t[3] : t[1]));
        soft.assertThat(addr(r.getDst())).as(what + " dst").isEqualTo(parse(v6 ? t[4] : t[2]));
        int total = v6 ? 40 + Integer.parseInt(t[6]) : Integer.parseInt(t[5]);
        soft.assertThat(r.getIpTotalLength()).as(what + " ip total length").isEqualTo(total);
        if (r.getProtocol() == 6) {
            soft.assertThat(r.getSrcPort())
                    .as(what + " tcp sport")
                    .isEqualTo(Integer.parseInt(t[7]));
            soft.assertThat(r.getDstPort())
                    .as(what + " tcp dport")
                    .isEqualTo(Integer.parseInt(t[8]));
            soft.assertThat(r.getTcpFlags())
                    .as(what + " tcp flags")
                    .isEqualTo(Integer.decode(t[9]) & 0xff);
            soft.assertThat(r.getTcpSeq()).as(what + " tcp seq").isEqualTo(Long.parseLong(t[10]));
            soft.assertThat(r.getTcpAck()).as(what + " tcp ack").isEqualTo(Long.parseLong(t[11]));
            soft.assertThat(r.getPayloadLength())
                    .as(what + " tcp payload length")
                    .isEqualTo(Integer.parseInt(t[12]));
            soft.assertThat(r.getTcpWindow())
                    .as(what + " tcp window")
                    .isEqualTo(Integer.parseInt(t[13]));
            soft.assertThat(r.getPayload().remaining())
                    .as(what + " payload kept")
                    .isEqualTo(Integer.parseInt(t[12]));
        } else if (r.getProtocol() == 17) {
            soft.assertThat(r.getSrcPort())
                    .as(what + " udp sport")
                    .isEqualTo(Integer.parseInt(t[14]));
            soft.assertThat(r.getDstPort())
                    .as(what + " udp dport")
                    .isEqualTo(Integer.parseInt(t[15]));
            soft.assertThat(r.getPayloadLength())
                    .as(what + " udp payload")
                    .isEqualTo(Integer.parseInt(t[16]) - 8);
        } else if (r.getProtocol() == 1 || r.getProtocol() == 58) {
            soft.assertThat(r.getIcmpType())
                    .as(what + " icmp type")
                    .isEqualTo(Integer.parseInt(v6 ? t[18] : t[17]));
        }
    }

    private static ByteBuffer addr(ByteBuffer b) {
        return b.duplicate();
    }

    private static ByteBuffer parse(String literal) {
        try {
            // a numeric literal: no name lookup happens
            return ByteBuffer.wrap(InetAddress.getByName(literal).getAddress());
        } catch (IOException e) {
            throw new AssertionError("tshark printed an unparsable address: " + literal, e);
        }
    }
}
