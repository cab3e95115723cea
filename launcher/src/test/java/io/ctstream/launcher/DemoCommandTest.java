package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.embedded.junit.EmbeddedCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code ctstream demo} in-process through picocli, on the shared embedded broker and registry,
 * over six bundled scenarios: it ends by itself and its summary shows the connections, the
 * expectations of the FTP and IRC transfers, the bounce and forged-DCC alerts, and the verdicts
 * with their dry-run reports.
 */
@ExtendWith(EmbeddedCluster.class)
class DemoCommandTest {

    @Test
    void replaysTheBundledCapturesAndSummarizesWhatThePipelineDid() {
        CommandLine cl = CtstreamCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code =
                cl.execute(
                        "demo",
                        "--captures",
                        "../testdata/lab",
                        "--query-port",
                        "0",
                        "--scenario",
                        "ftp-passive",
                        "--scenario",
                        "ftp-active",
                        "--scenario",
                        "ftp-pasv-twice",
                        "--scenario",
                        "ftp-bounce",
                        "--scenario",
                        "irc-dcc-send",
                        "--scenario",
                        "irc-dcc-forged",
                        "-b",
                        EmbeddedCluster.bootstrapServers(),
                        "-r",
                        EmbeddedCluster.schemaRegistryUrl());
        String printed = out.toString();
        System.out.println(printed);
        assertThat(code).as("exit code; stderr: %s", err).isZero();

        assertThat(total(printed, "connections")).isPositive();
        assertThat(total(printed, "related")).isPositive();
        assertThat(printed)
                .containsPattern(
                        "(?m)^  ftp-passive +53 packets \\| so far: +3 connections, +2 expectations")
                .containsPattern("(?m)^  irc-dcc-forged +22 packets \\| so far:");
        // ftp-passive 2, ftp-active 2, ftp-pasv-twice 2, irc-dcc-send 1; the bounce and the forged
        // DCC are
        // refused. (Whether pasv-twice's first is evicted, as by the kernel, or fulfilled depends
        // on feedback
        // timing on a real broker: see streams-app's README.)
        assertThat(total(printed, "expectations")).isEqualTo(7);
        assertThat(line(printed, "expectations")).contains("fulfilled", "ftp 6", "irc 1");
        assertThat(total(printed, "rejected")).isPositive();
        assertThat(line(printed, "alerts")).contains("ftp-bounce", "forged-dcc");
        // one ALLOW per expectation, a BLOCK per alert (and a REVOKE if one was evicted)
        assertThat(line(printed, "verdicts")).contains("ALLOW 7", "BLOCK 3");
        int verdicts = total(printed, "verdicts");
        // and each ALLOW's tentative copy (verdicts-tentative, streams-app README): reported like
        // any verdict
        int allows = 7;
        assertThat(line(printed, "enforcement"))
                .contains("APPLIED " + (verdicts + allows), "dry run");
        assertThat(printed)
                .contains("query API        http://127.0.0.1:", "verdicts", "enforcement-reports");
        // printed only when the endpoint answered 200 during the run
        assertThat(printed).containsPattern("(?m)^  metrics +http://127\\.0\\.0\\.1:\\d+/metrics$");
    }

    private static String line(String printed, String label) {
        Matcher m = Pattern.compile("(?m)^\\s*" + label + "\\s+\\d+.*$").matcher(printed);
        assertThat(m.find()).as("a '%s' line in%n%s", label, printed).isTrue();
        return m.group();
    }

    private static int total(String printed, String label) {
        Matcher m = Pattern.compile("^\\s*" + label + "\\s+(\\d+)").matcher(line(printed, label));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
