package io.ctstream.launcher.lab.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.launcher.lab.LabException;
import io.ctstream.launcher.lab.LabShell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records one {@link OracleScenario} into {@code out} in the reference lab's layout ({@code
 * <sc>.pcap}, {@code .conntrack.txt}, {@code .expect.txt}, {@code .ct-table.txt}, {@code .nft.txt},
 * {@code .meta.json}, {@code .client.json}, {@code .expect.json}): what {@code testdata/lab} holds
 * and {@code LabConformanceTest} reads.
 */
public final class OracleLab {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OracleLab() {}

    /**
     * Runs {@code scenario} in a fresh lab with namespace prefix {@code prefix}; returns the
     * scenario's expect.json.
     */
    public static ObjectNode record(OracleScenario scenario, Path out, String prefix) {
        Path work;
        try {
            Files.createDirectories(out);
            work = Files.createTempDirectory("ctstream-oracle-" + scenario.id());
        } catch (IOException e) {
            throw new LabException("cannot create " + out + ": " + e.getMessage(), e);
        }
        ObjectNode meta = JSON.createObjectNode();
        meta.put("scenario", scenario.id());
        meta.put("description", scenario.description());
        meta.put("helpers", "on");
        double started = System.currentTimeMillis() / 1000.0;
        OracleScenario.Outcome outcome;
        try (KernelLab lab = KernelLab.up(prefix)) {
            KernelRecorder recorder = KernelRecorder.start(lab, out, scenario.id(), work);
            try {
                outcome = scenario.run(lab, work);
                recorder.finish();
            } finally {
                recorder.close();
            }
            meta.put("transfer", outcome.ok() ? "ok" : "failed");
            meta.put("note", outcome.note());
            meta.put("started_at", started);
            String kernel = LabShell.run("uname", "-r").strip();
            ObjectNode doc =
                    KernelVerdicts.of(
                            meta,
                            kernel,
                            Files.readString(recorder.file("conntrack.txt")),
                            Files.readString(recorder.file("expect.txt")),
                            Files.readString(recorder.file("nft.txt")),
                            KernelVerdicts.captureFields(recorder.file("pcap")));
            ObjectNode pcap = doc.putObject("pcap");
            pcap.put("file", scenario.id() + ".pcap");
            pcap.put("bytes", Files.size(recorder.file("pcap")));
            JSON.writeValue(recorder.file("meta.json").toFile(), meta);
            Files.writeString(recorder.file("client.json"), outcome.client() + "\n");
            JSON.writeValue(recorder.file("expect.json").toFile(), doc);
            return doc;
        } catch (IOException e) {
            throw new LabException(
                    "cannot write " + scenario.id() + "'s files in " + out + ": " + e.getMessage(),
                    e);
        }
    }
}
