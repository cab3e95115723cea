package io.ctstream.launcher.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.embedded.junit.AuthenticatingRegistryProxy;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.launcher.CtstreamCommand;
import io.ctstream.streams.json.JsonViews;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code analyze} honours {@code --config}: against a registry that requires basic authentication,
 * with the credentials only in the config file, every client of the run (capture agent,
 * streams-app, report reader) authenticates, and the report is the pipeline's.
 */
@ExtendWith(EmbeddedCluster.class)
class AnalyzeConfigTest {

    @Test
    void analyzeUsesTheConfigFilesRegistryCredentials(@TempDir Path dir) throws Exception {
        try (AuthenticatingRegistryProxy registry =
                new AuthenticatingRegistryProxy(
                        EmbeddedCluster.schemaRegistryUrl(), "ct", "analyze-secret")) {
            Path config = dir.resolve("client.properties");
            Files.writeString(
                    config,
                    "schema.registry.url="
                            + registry.url()
                            + "\n"
                            + "basic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=ct:analyze-secret\n");
            Path out = dir.resolve("report.json");
            CommandLine cl = CtstreamCommand.newCommandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            int code =
                    cl.execute(
                            "analyze",
                            "--pcap",
                            "../testdata/lab/ftp-passive.pcap",
                            "-b",
                            EmbeddedCluster.bootstrapServers(),
                            "--config",
                            config.toString(),
                            "--out",
                            out.toString());
            assertThat(code).as(err.toString()).isZero();
            JsonNode report = JsonViews.MAPPER.readTree(out.toFile());
            assertThat(report.path("connections").size()).isPositive();
            assertThat(report.path("expectations").size()).isPositive();
            assertThat(registry.forwarded.get()).isPositive();
            assertThat(registry.refused.get())
                    .as("no client went without the credentials")
                    .isZero();
        }
    }
}
