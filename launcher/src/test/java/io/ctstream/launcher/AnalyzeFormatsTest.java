package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ctstream analyze --format} through the command line, on a lab capture, without a broker
 * (the default path): the JSON report with its capture totals as an object, JSON Lines, Zeek logs
 * in a directory, conntrack -L lines.
 */
class AnalyzeFormatsTest {
    private static final String PCAP =
            Path.of("..", "testdata", "lab", "ftp-passive.pcap").toString();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void jsonReportHasTheCaptureTotalsAsAnObject() throws Exception {
        Path out = dir.resolve("report.json");
        UserErrorsTest.Run r =
                UserErrorsTest.run(
                        "analyze", "--pcap", PCAP, "--sensor", "gw", "--out", out.toString());
        assertThat(r.exitCode()).isZero();
        JsonNode report = JSON.readTree(out.toFile());
        JsonNode gw = report.path("capture").path("gw");
        assertThat(gw.isObject()).as("capture.gw is an object: %s", gw).isTrue();
        assertThat(gw.path("captured").asLong()).isEqualTo(53);
        assertThat(gw.path("published").asLong()).isEqualTo(53);
        assertThat(gw.path("dropped").isObject()).isTrue();
        assertThat(report.path("connections")).hasSize(3);
    }

    @Test
    void jsonLinesHasOneObjectPerConnectionExpectationAndAlert() throws Exception {
        Path out = dir.resolve("report.jsonl");
        UserErrorsTest.Run r =
                UserErrorsTest.run(
                        "analyze", "--pcap", PCAP, "--format", "jsonl", "--out", out.toString());
        assertThat(r.exitCode()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3 + 2);
        List<String> kinds =
                lines.stream()
                        .map(
                                l -> {
                                    try {
                                        return JSON.readTree(l).path("kind").asText();
                                    } catch (Exception e) {
                                        throw new AssertionError("not a JSON object: " + l, e);
                                    }
                                })
                        .toList();
        assertThat(kinds)
                .containsExactly(
                        "connection", "connection", "connection", "expectation", "expectation");
        assertThat(JSON.readTree(lines.get(3)).path("outcome").asText()).isEqualTo("fulfilled");
    }

    @Test
    void zeekWritesConnAndExpectationsLogsIntoTheDirectory() throws Exception {
        Path logs = dir.resolve("logs");
        UserErrorsTest.Run r =
                UserErrorsTest.run(
                        "analyze", "--pcap", PCAP, "--format", "zeek", "--out", logs.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(Files.readAllLines(logs.resolve("conn.log")))
                .first()
                .isEqualTo("#separator \\x09");
        assertThat(
                        Files.readAllLines(logs.resolve("conn.log")).stream()
                                .filter(l -> !l.startsWith("#")))
                .hasSize(3);
        assertThat(
                        Files.readAllLines(logs.resolve("expectations.log")).stream()
                                .filter(l -> !l.startsWith("#")))
                .hasSize(2);
    }

    @Test
    void zeekOutMustBeADirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        UserErrorsTest.Run r =
                UserErrorsTest.run(
                        "analyze", "--pcap", PCAP, "--format", "zeek", "--out", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--out").contains("not a directory");
    }

    @Test
    void tableListsConnectionsAsConntrackDoes() throws Exception {
        UserErrorsTest.Run r = UserErrorsTest.run("analyze", "--pcap", PCAP, "--format", "table");
        assertThat(r.exitCode()).isZero();
        List<String> lines = r.stdout().lines().filter(l -> l.startsWith("tcp ")).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0))
                .matches(
                        "tcp      6 \\d+ TIME_WAIT src=10\\.77\\.1\\.2 dst=10\\.77\\.2\\.2 sport=45898 dport=21 "
                                + "packets=18 bytes=1053 src=10\\.77\\.2\\.2 dst=10\\.77\\.1\\.2 sport=21 dport=45898 packets=19 bytes=1486 "
                                + "\\[ASSURED\\] helper=ftp");
        assertThat(
                        r.stdout()
                                .lines()
                                .filter(
                                        l ->
                                                l.contains(" proto=6 ")
                                                        && l.contains(
                                                                "helper=ftp outcome=fulfilled")))
                .hasSize(2);
    }
}
