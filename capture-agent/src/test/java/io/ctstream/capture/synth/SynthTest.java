package io.ctstream.capture.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.capture.conformance.Tshark;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthTest {

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        Synth.write(a, 5_000, 42);
        Synth.write(b, 5_000, 42);
        Synth.write(c, 5_000, 43);
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        assertThat(a.toByteArray()).isNotEqualTo(c.toByteArray());
    }

    @Test
    void readsBackExactlyNPacketsWithTheWantedMixAndTsharkAgrees(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("synth.pcap");
        int n = 60_000; // FTP and IRC are a few percent of the sessions, and a control session
        // spans many turns
        Synth.write(file, n, 7);
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        CapturedFrame f = new CapturedFrame();
        Set<Integer> protocols = new HashSet<>();
        Set<String> seen = new HashSet<>();
        long count = 0;
        try (CaptureFileReader r = CaptureFiles.open(file)) {
            while (r.next(f)) {
                count++;
                assertThat(
                                decoder.decode(
                                        f.linkType(),
                                        f.data(),
                                        f.capturedLength(),
                                        f.originalLength(),
                                        p))
                        .isTrue();
                protocols.add(p.protocol());
                if (p.ipVersion() == 6) {
                    seen.add("ipv6");
                }
                if (p.tcpFlags() == 0x02) {
                    seen.add("syn");
                }
                if ((p.tcpFlags() & 0x01) != 0) {
                    seen.add("fin");
                }
                if ((p.tcpFlags() & 0x04) != 0) {
                    seen.add("rst");
                }
                String payload =
                        new String(
                                p.buffer(),
                                p.payloadOffset(),
                                p.payloadCaptured(),
                                StandardCharsets.ISO_8859_1);
                for (String marker :
                        List.of(
                                "PASV",
                                "227 Entering Passive",
                                "PORT ",
                                "229 Entering Extended",
                                "DCC SEND")) {
                    if (payload.startsWith(marker)
                            || payload.startsWith("PRIVMSG bob :\u0001" + marker)) {
                        seen.add(marker);
                    }
                }
                if (p.srcPort() == 20 && p.payloadLength() > 0) {
                    seen.add("active-data");
                }
            }
        }
        assertThat(count).isEqualTo(n);
        assertThat(decoder.counters().rejectedTotal()).isZero();
        assertThat(protocols).contains(1, 6, 17, 58);
        assertThat(seen)
                .contains(
                        "ipv6",
                        "syn",
                        "fin",
                        "rst",
                        "PASV",
                        "227 Entering Passive",
                        "PORT ",
                        "229 Entering Extended",
                        "DCC SEND",
                        "active-data");
        assertThat(Tshark.count(file)).isEqualTo(n);
    }

    @Test
    void checksumsAreValidForTshark(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("small.pcap");
        Synth.write(file, 3_000, 1);
        List<String[]> rows =
                Tshark.fields(
                        file,
                        List.of(
                                "-o",
                                "ip.check_checksum:TRUE",
                                "-o",
                                "tcp.check_checksum:TRUE",
                                "-o",
                                "udp.check_checksum:TRUE"),
                        "ip.checksum.status",
                        "tcp.checksum.status",
                        "udp.checksum.status");
        assertThat(rows).hasSize(3_000);
        long good = 0;
        for (String[] r : rows) {
            for (String status : r) {
                assertThat(status).as("checksum status (0 = bad)").isNotEqualTo("0");
                if (status.equals("1")) {
                    good++;
                }
            }
        }
        assertThat(good).isGreaterThan(3_000);
    }
}
