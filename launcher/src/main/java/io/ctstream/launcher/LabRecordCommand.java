package io.ctstream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.lab.GatewayLab;
import io.ctstream.launcher.lab.oracle.OracleLab;
import io.ctstream.launcher.lab.oracle.OracleScenario;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctstream lab-record}: records the kernel-oracle lab's scenarios (root: network namespaces,
 * the kernel's FTP and TFTP helpers, {@code conntrack}, {@code dumpcap}) into {@code
 * testdata/lab}'s layout.
 */
@Command(
        name = "lab-record",
        mixinStandardHelpOptions = true,
        description = {
            "Records kernel-oracle lab scenarios (root): real traffic through a gateway namespace running the",
            "kernel's FTP and TFTP helpers, its capture and the kernel's own verdicts, in testdata/lab's layout."
        })
public final class LabRecordCommand implements Callable<Integer> {

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            description =
                    "A scenario to record (repeatable; default: all): ftp-pasv-reuse, ftp-fast-connect, tcp-syn-unanswered, tftp.")
    List<String> scenarios = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "testdata/lab",
            description = "Where the files go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--lab-prefix",
            paramLabel = "PREFIX",
            defaultValue = "ctoracle",
            description =
                    "Namespace name prefix; namespaces <prefix>-* left by a killed run are deleted (default: ${DEFAULT-VALUE}).")
    String prefix;

    PrintStream stdout = System.out;

    @Override
    public Integer call() {
        List<OracleScenario> chosen = new ArrayList<>();
        for (String name : scenarios) {
            chosen.add(
                    OracleScenario.byId(name)
                            .orElseThrow(
                                    () -> UserException.usage("--scenario: no scenario " + name)));
        }
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
                                "tshark",
                                "curl"));
        if (!missing.isEmpty()) {
            throw UserException.usage("lab-record needs " + String.join(", ", missing));
        }
        for (OracleScenario sc : chosen.isEmpty() ? List.of(OracleScenario.values()) : chosen) {
            ObjectNode doc = OracleLab.record(sc, out, prefix);
            List<String> outcomes = new ArrayList<>();
            for (JsonNode e : doc.path("expectations")) {
                outcomes.add(e.path("outcome").asText());
            }
            stdout.printf(
                    "%s: transfer %s, %d connections, %d expectations %s, %d related, %d dropped new%n",
                    sc.id(),
                    doc.path("transfer").asText(),
                    doc.path("connections").size(),
                    outcomes.size(),
                    outcomes,
                    doc.path("related_connections").size(),
                    doc.path("dropped_new_connections").size());
        }
        return 0;
    }
}
