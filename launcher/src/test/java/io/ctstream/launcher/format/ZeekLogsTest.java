package io.ctstream.launcher.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.launcher.analyze.InProcessAnalyzer;
import io.ctstream.launcher.analyze.PipelineAnalyzer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * conn.log against Zeek's own: its documented field list and types (Conn::Info in
 * base/protocols/conn/main.zeek, https://docs.zeek.org/en/master/logs/conn.html), a conn.log line
 * as Zeek writes it read with the same header, and a lab capture's conn.log read as zeek-cut reads
 * it, with the conn_state and history Zeek gives such connections.
 */
class ZeekLogsTest {
    /**
     * Zeek's conn.log header, as the documentation lists the fields of Conn::Info (Zeek 7.1 and
     * later: ip_proto).
     */
    private static final String ZEEK_FIELDS =
            "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice"
                    + "\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts"
                    + "\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tip_proto";

    private static final String ZEEK_TYPES =
            "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount"
                    + "\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount";

    /** An HTTP connection as Zeek logs it (the shape of the documentation's example). */
    private static final String ZEEK_LINE =
            "1600794959.140262\tCmFb2Q2P3MHp28z4ag\t192.168.4.76\t46378\t31.3.245.133\t80"
                    + "\ttcp\thttp\t0.254115\t77\t295\tSF\t-\t-\t0\tShADadFf\t6\t397\t4\t511\t-\t6";

    private static ObjectNode report;

    @BeforeAll
    static void analyze() throws Exception {
        report =
                new InProcessAnalyzer(new SimpleMeterRegistry(), false)
                        .analyze(
                                List.of(
                                        new PipelineAnalyzer.Input(
                                                Path.of(
                                                        "..",
                                                        "testdata",
                                                        "lab",
                                                        "ftp-passive.pcap"),
                                                "gw")),
                                PipelineAnalyzer.Options.defaults())
                        .report();
    }

    private static String connLog() throws Exception {
        StringWriter w = new StringWriter();
        ZeekLogs.conn(report.path("connections"), w);
        return w.toString();
    }

    @Test
    void headerHasZeeksFieldsAndTypes() throws Exception {
        List<String> lines = Arrays.asList(connLog().split("\n"));
        assertThat(lines.get(0)).isEqualTo("#separator \\x09");
        assertThat(lines)
                .contains(
                        "#set_separator\t,",
                        "#empty_field\t(empty)",
                        "#unset_field\t-",
                        "#path\tconn",
                        ZEEK_FIELDS,
                        ZEEK_TYPES);
        assertThat(lines.get(lines.size() - 1)).startsWith("#close\t");
    }

    @Test
    void aLineZeekWroteReadsWithOurHeader() throws Exception {
        String ours = connLog();
        String header = ours.substring(0, ours.indexOf(ZEEK_TYPES) + ZEEK_TYPES.length() + 1);
        List<List<String>> zeek =
                ZeekCut.cut(
                        header + ZEEK_LINE + "\n",
                        "id.orig_h",
                        "id.resp_p",
                        "proto",
                        "conn_state",
                        "history",
                        "orig_pkts",
                        "resp_ip_bytes",
                        "ip_proto");
        assertThat(zeek)
                .containsExactly(
                        List.of("192.168.4.76", "80", "tcp", "SF", "ShADadFf", "6", "511", "6"));
    }

    @Test
    void zeekCutReadsTheLabCapturesConnLog() throws Exception {
        List<List<String>> rows =
                ZeekCut.cut(
                        connLog(),
                        "uid",
                        "id.orig_h",
                        "id.orig_p",
                        "id.resp_h",
                        "id.resp_p",
                        "proto",
                        "service",
                        "conn_state",
                        "history",
                        "orig_pkts",
                        "resp_pkts",
                        "ip_proto");
        assertThat(rows).hasSize(report.path("connections").size()).hasSize(3);
        // the control connection: a normal establishment and termination, FTP
        assertThat(rows.get(0))
                .containsExactly(
                        "C" + report.path("connections").get(0).path("id").asText(),
                        "10.77.1.2",
                        "45898",
                        "10.77.2.2",
                        "21",
                        "tcp",
                        "ftp",
                        "SF",
                        report.path("connections").get(0).path("history").asText(),
                        "18",
                        "19",
                        "6");
        // the passive data connections: RELATED to the FTP control connection, Zeek's ftp-data
        assertThat(rows.subList(1, 3))
                .allSatisfy(
                        r -> {
                            assertThat(r.get(5)).isEqualTo("tcp");
                            assertThat(r.get(6)).isEqualTo("ftp-data");
                            assertThat(r.get(7)).isIn("SF", "S1", "S2", "S3");
                        });
    }

    @Test
    void expectationsLogHasOneRecordPerExpectation() throws Exception {
        StringWriter w = new StringWriter();
        ZeekLogs.expectations(report.path("expectations"), report.path("rejected"), w);
        List<List<String>> rows =
                ZeekCut.cut(
                        w.toString(),
                        "master_uid",
                        "helper",
                        "expected.orig_h",
                        "expected.orig_p",
                        "expected.resp_h",
                        "outcome",
                        "mode");
        assertThat(rows)
                .hasSize(2)
                .allSatisfy(
                        r -> {
                            assertThat(r.get(0))
                                    .isEqualTo(
                                            "C"
                                                    + report.path("connections")
                                                            .get(0)
                                                            .path("id")
                                                            .asText());
                            assertThat(r.get(1)).isEqualTo("ftp");
                            assertThat(r.get(3))
                                    .isEqualTo("-"); // any source port: unset, Zeek's port has no
                            // wildcard
                            assertThat(r.get(5)).isEqualTo("fulfilled");
                            assertThat(r.get(6)).isEqualTo("robust");
                        });
    }

    @Test
    void connStateFollowsZeeksDefinitions() {
        assertThat(ZeekConnState.of("tcp", "S", 1, 0)).isEqualTo("S0");
        assertThat(ZeekConnState.of("tcp", "ShAdDaFf", 5, 5)).isEqualTo("SF");
        assertThat(ZeekConnState.of("tcp", "ShADad", 4, 4)).isEqualTo("S1");
        assertThat(ZeekConnState.of("tcp", "Sr", 1, 1)).isEqualTo("REJ");
        assertThat(ZeekConnState.of("tcp", "ShADadR", 4, 3)).isEqualTo("RSTO");
        assertThat(ZeekConnState.of("tcp", "ShADadr", 3, 4)).isEqualTo("RSTR");
        assertThat(ZeekConnState.of("tcp", "SR", 2, 0)).isEqualTo("RSTOS0");
        assertThat(ZeekConnState.of("tcp", "SF", 2, 0)).isEqualTo("SH");
        assertThat(ZeekConnState.of("tcp", "ShADadF", 4, 3)).isEqualTo("S2");
        assertThat(ZeekConnState.of("tcp", "ShADadf", 3, 4)).isEqualTo("S3");
        assertThat(ZeekConnState.of("tcp", "Dd", 3, 3)).isEqualTo("OTH");
        assertThat(ZeekConnState.of("udp", "Dd", 1, 1)).isEqualTo("SF");
        assertThat(ZeekConnState.of("udp", "D", 1, 0)).isEqualTo("S0");
        assertThat(ZeekConnState.of("icmp", "", 1, 1)).isEqualTo("OTH");
    }

    @Test
    void valuesThatWouldBreakAColumnAreEscaped() {
        assertThat(ZeekLogWriter.string("USER a\tb\\c")).isEqualTo("USER a\\x09b\\x5cc");
        assertThat(ZeekLogWriter.string("")).isEqualTo("(empty)");
        assertThat(ZeekLogWriter.string(null)).isEqualTo("-");
    }
}
