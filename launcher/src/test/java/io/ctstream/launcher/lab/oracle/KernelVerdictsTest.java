package io.ctstream.launcher.lab.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.launcher.lab.GatewayLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel-oracle lab's reading of the kernel's events: on the recorded scenarios of {@code
 * testdata/lab}, the events give back the committed {@code expect.json}; and (root) a fresh
 * recording of {@code ftp-pasv-reuse} gives the kernel's verdicts again.
 */
class KernelVerdictsTest {
    private static final Path LAB = Path.of("..", "testdata", "lab");
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"ftp-pasv-reuse", "ftp-fast-connect", "tcp-syn-unanswered", "tftp"})
    void theRecordedEventsGiveTheCommittedOracle(String scenario) throws Exception {
        assumeTrue(io.ctstream.launcher.lab.LabShell.onPath("tshark"), "needs tshark");
        JsonNode committed = JSON.readTree(LAB.resolve(scenario + ".expect.json").toFile());
        ObjectNode meta = (ObjectNode) JSON.readTree(LAB.resolve(scenario + ".meta.json").toFile());
        ObjectNode doc =
                KernelVerdicts.of(
                        meta,
                        committed.path("kernel").asText(),
                        Files.readString(LAB.resolve(scenario + ".conntrack.txt")),
                        Files.readString(LAB.resolve(scenario + ".expect.txt")),
                        Files.readString(LAB.resolve(scenario + ".nft.txt")),
                        KernelVerdicts.captureFields(LAB.resolve(scenario + ".pcap")));
        for (String field :
                List.of(
                        "expectations",
                        "related_connections",
                        "connections",
                        "dropped_new_connections")) {
            // as text: a number read from the file and the same number built here are different
            // node types
            assertThat(doc.path(field).toString())
                    .as("%s: %s", scenario, field)
                    .isEqualTo(committed.path(field).toString());
        }
    }

    @Test
    void oneReusedPassivePortIsFulfilledEvictedFulfilledFulfilled() throws Exception {
        JsonNode d = JSON.readTree(LAB.resolve("ftp-pasv-reuse.expect.json").toFile());
        assertThat(outcomes(d)).containsExactly("fulfilled", "evicted", "fulfilled", "fulfilled");
        assertThat(
                        d.path("expectations").findValues("dport").stream()
                                .map(JsonNode::asInt)
                                .distinct()
                                .toList())
                .as("one expected port, the master's 21 aside")
                .containsExactlyInAnyOrder(21, 17350);
        assertThat(d.path("related_connections")).hasSize(3);
    }

    /**
     * Root, network namespaces, the kernel's FTP helper, vsftpd, dumpcap, conntrack; about 10 s.
     */
    @Test
    void aFreshRecordingGivesTheKernelsVerdictsAgain(@TempDir Path out) throws Exception {
        List<String> missing =
                GatewayLab.missingPrerequisites(
                        List.of(
                                "ip",
                                "nft",
                                "conntrack",
                                "dumpcap",
                                "mergecap",
                                "ethtool",
                                "vsftpd",
                                "python3",
                                "stdbuf",
                                "tshark"));
        assumeTrue(missing.isEmpty(), "needs " + missing);
        String prefix = System.getenv().getOrDefault("CTSTREAM_LAB_PREFIX", "ctoracle-test");
        ObjectNode d;
        try {
            d = OracleLab.record(OracleScenario.FTP_PASV_REUSE, out, prefix);
        } catch (io.ctstream.launcher.lab.LabException e) {
            // Seen once in ~10 runs on a machine at load 10+: the kernel's events and the capture
            // did not pair up (a
            // recording cut short by the loaded machine, not a different verdict). Recorded again,
            // once; a second
            // failure fails the test.
            System.out.println("kernel-oracle: recording again after: " + e.getMessage());
            d = OracleLab.record(OracleScenario.FTP_PASV_REUSE, out.resolve("again"), prefix);
            out = out.resolve("again");
        }
        assertThat(d.path("transfer").asText()).isEqualTo("ok");
        assertThat(outcomes(d)).containsExactly("fulfilled", "evicted", "fulfilled", "fulfilled");
        assertThat(Files.size(out.resolve("ftp-pasv-reuse.pcap"))).isPositive();
        assertThat(Files.readString(out.resolve("ftp-pasv-reuse.ct-table.txt")))
                .contains("packets=");
    }

    private static List<String> outcomes(JsonNode d) {
        List<String> out = new ArrayList<>();
        d.path("expectations").forEach(e -> out.add(e.path("outcome").asText()));
        return out;
    }
}
