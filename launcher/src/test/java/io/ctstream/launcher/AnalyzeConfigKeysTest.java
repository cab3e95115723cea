package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctstream.capture.file.PcapWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conntrack timeout set in the config file changes what {@code ctstream analyze} reports, and
 * {@code --set} beats the file: two unreplied UDP datagrams of one flow, 20 s apart, are one
 * connection under the kernel's 30 s UDP timeout and two under a 10 s one.
 */
class AnalyzeConfigKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    static Path pcap;

    @BeforeAll
    static void capture() throws IOException {
        pcap = dir.resolve("udp-20s-apart.pcap");
        try (PcapWriter w = new PcapWriter(pcap, 1, 65535)) {
            byte[] a = udpFrame(1);
            byte[] b = udpFrame(2);
            w.write(1_000_000L, a, 0, a.length);
            w.write(21_000_000L, b, 0, b.length);
        }
    }

    @Test
    void theKernelDefaultKeepsOneConnection() throws Exception {
        JsonNode report = analyze();
        assertThat(udp(report)).as("connections: %s", report.path("connections")).isEqualTo(1);
    }

    @Test
    void aShortUdpTimeoutInTheConfigFileSplitsTheFlow() throws Exception {
        Path config =
                Files.writeString(
                        dir.resolve("short-udp.properties"), "conntrack.udp.timeout=10s\n");
        JsonNode report = analyze("--config", config.toString());
        assertThat(udp(report)).as("connections: %s", report.path("connections")).isEqualTo(2);
        JsonNode first = report.path("connections").get(0);
        assertThat(first.path("destroyed").asBoolean()).isTrue();
        assertThat(first.path("timeout_at").asDouble() - first.path("first_seen").asDouble())
                .isEqualTo(10.0);
    }

    @Test
    void setOnTheCommandLineBeatsTheFile() throws Exception {
        Path config =
                Files.writeString(
                        dir.resolve("long-udp.properties"), "conntrack.udp.timeout=60s\n");
        JsonNode report =
                analyze("--config", config.toString(), "--set", "conntrack.udp.timeout=10s");
        assertThat(udp(report)).isEqualTo(2);
        Path shortFile =
                Files.writeString(
                        dir.resolve("short-udp-2.properties"), "conntrack.udp.timeout=10s\n");
        assertThat(
                        udp(
                                analyze(
                                        "--config",
                                        shortFile.toString(),
                                        "--set",
                                        "conntrack.udp.timeout=60s")))
                .isEqualTo(1);
    }

    @Test
    void edgeKeysSetTheSensorsOfAnalyze() throws Exception {
        Path out = dir.resolve("ftp.json");
        String ftp = Path.of("..", "testdata", "lab", "ftp-passive.pcap").toString();
        var r = UserErrorsTest.run("analyze", "--pcap", ftp, "--out", out.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(JSON.readTree(out.toFile()).path("expectations")).hasSize(2);
        // no payload kept: the FTP helper reads nothing, announces nothing
        r =
                UserErrorsTest.run(
                        "analyze",
                        "--pcap",
                        ftp,
                        "--out",
                        out.toString(),
                        "--set",
                        "edge.payload-cap=0");
        assertThat(r.exitCode()).isZero();
        assertThat(JSON.readTree(out.toFile()).path("expectations")).isEmpty();
        assertThat(JSON.readTree(out.toFile()).path("connections")).hasSize(3);
    }

    @Test
    void aBadValueIsAUsageErrorNamingTheKeyAndTheFile() throws Exception {
        Path config =
                Files.writeString(dir.resolve("bare.properties"), "conntrack.udp.timeout=10\n");
        var r =
                UserErrorsTest.run(
                        "analyze", "--pcap", pcap.toString(), "--config", config.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr())
                .contains("--config " + config)
                .contains("conntrack.udp.timeout")
                .contains("unit")
                .doesNotContain("\tat ");
    }

    @Test
    void anUnknownSetKeyNamesTheClosestKey() throws Exception {
        var r =
                UserErrorsTest.run(
                        "analyze", "--pcap", pcap.toString(), "--set", "conntrack.udp.timout=10s");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr())
                .contains(
                        "--set conntrack.udp.timout=10s: unknown key conntrack.udp.timout "
                                + "(did you mean conntrack.udp.timeout?)")
                .doesNotContain("\tat ");
    }

    private static JsonNode analyze(String... extra) throws IOException {
        Path out = Files.createTempFile(dir, "report", ".json");
        String[] args = new String[4 + extra.length];
        args[0] = "analyze";
        args[1] = "--pcap";
        args[2] = pcap.toString();
        args[3] = "--out=" + out;
        System.arraycopy(extra, 0, args, 4, extra.length);
        var r = UserErrorsTest.run(args);
        assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
        return JSON.readTree(out.toFile());
    }

    /** UDP connections in the report. */
    private static long udp(JsonNode report) {
        long n = 0;
        for (JsonNode c : report.path("connections")) {
            if (c.path("orig").path("proto").asText().equals("udp")) {
                n++;
            }
        }
        return n;
    }

    /** Ethernet, IPv4 10.9.0.1:40000 → 10.9.0.2:9999, UDP with a 4-byte payload. */
    private static byte[] udpFrame(int id) {
        ByteBuffer f = ByteBuffer.allocate(14 + 20 + 8 + 4);
        f.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        int ip = f.position();
        f.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) 32)
                .putShort((short) id)
                .putShort((short) 0x4000)
                .put((byte) 64)
                .put((byte) 17)
                .putShort((short) 0)
                .put(new byte[] {10, 9, 0, 1})
                .put(new byte[] {10, 9, 0, 2});
        int sum = 0;
        for (int i = ip; i < ip + 20; i += 2) {
            sum += ((f.get(i) & 0xff) << 8) | (f.get(i + 1) & 0xff);
        }
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        f.putShort(ip + 10, (short) ~sum);
        f.putShort((short) 40000).putShort((short) 9999).putShort((short) 12).putShort((short) 0);
        f.put(new byte[] {'p', 'i', 'n', 'g'});
        return f.array();
    }
}
