package io.ctstream.launcher.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.launcher.lab.FtpTransfer.Mode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole system live: client, gw and server namespaces ({@link GatewayLab}, gw drops every new
 * forwarded connection except to port 21 and has no kernel helper), vsftpd in server, curl in client.
 * ctstream captures on gw, tracks, emits verdicts, and its enforcement agent opens pinholes in gw's
 * nft table. Active (PORT) and passive (227) transfers succeed with the agent running and fail with
 * it stopped. Prints each transfer's time-to-pinhole. Needs root, ip, nft, ethtool, vsftpd and curl;
 * skipped with the reason otherwise.
 */
@ExtendWith(EmbeddedCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveGatewayFtpTest {
    /** Namespace prefix of this test only; a killed run's leftovers with it are removed first. */
    static final String PREFIX = "ctlive-ftp";
    /** Under exactly-once each of the three hops to a verdict waits for a commit (100 ms by default). */
    static final int COMMIT_INTERVAL_MS = 20;

    GatewayLab lab;
    VsftpdServer server;
    LiveGateway gateway;
    PinholeWatcher watcher;
    Path workDir;
    final Set<String> measured = new HashSet<>();

    @BeforeAll
    void setUp() throws Exception {
        List<String> missing = GatewayLab.missingPrerequisites(List.of("ip", "nft", "ethtool", "ss", VsftpdServer.BINARY, "curl"));
        assumeTrue(missing.isEmpty(), "the live gateway test needs " + String.join(", ", missing)
                + " (.ci/run installs the packages)");
        workDir = Files.createTempDirectory("ctstream-live-ftp");
        lab = GatewayLab.up(PREFIX);
        server = VsftpdServer.start(lab, workDir);
        gateway = new LiveGateway(lab, new LiveGateway.Settings(EmbeddedCluster.bootstrapServers(),
                EmbeddedCluster.schemaRegistryUrl(), EmbeddedCluster.uniqueTopic("live-ftp") + "-", workDir,
                COMMIT_INTERVAL_MS, -1), new SimpleMeterRegistry());
        gateway.startPipeline();
        gateway.startEnforcement();
        watcher = new PinholeWatcher(lab.gwNftCommand(), LiveGateway.TABLE, 10);
    }

    @AfterAll
    void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {watcher, gateway, server, lab}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("tear down: " + e);
            }
        }
    }

    /** Twice each: the first expectation after start pays one-time costs (schemas, transactions, fetch sessions). */
    @Test
    @Order(1)
    void activeAndPassiveTransfersPassThroughCtstreamsPinholes() {
        for (String round : List.of("first", "second")) {
            for (Mode mode : Mode.values()) {
                transferSucceeds(mode, round);
            }
        }
    }

    @Test
    @Order(2)
    void withTheAgentStoppedBothTransfersFail() {
        gateway.stopEnforcement();
        for (Mode mode : Mode.values()) {
            FtpTransfer.Outcome outcome = FtpTransfer.download(lab, mode, 8);
            System.out.println("live-ftp: agent stopped: " + outcome);
            assertThat(outcome.ok()).as("%s transfer without the enforcement agent must fail (gw drops the data "
                    + "connection)", mode).isFalse();
        }
    }

    private void transferSucceeds(Mode mode, String round) {
        FtpTransfer.Outcome outcome = FtpTransfer.download(lab, mode, 20);
        System.out.println("live-ftp: " + outcome);
        if (!outcome.ok()) {
            throw new AssertionError(mode + " transfer through gw: " + outcome + "\ntopics: " + gateway.topicCounts()
                    + "\nvsftpd: " + server.log() + "\ngw: " + lab.gwRuleset());
        }
        PinholeTiming timing = PinholeTiming.await(gateway, watcher, e -> announces(e, mode), Duration.ofSeconds(20));
        measured.add(timing.expectationId());
        System.out.printf("live-ftp: %s (%s) time-to-pinhole %d ms: %s (commit.interval.ms=%d)%n", mode, round,
                timing.toPinhole().toMillis(), timing.describe(), COMMIT_INTERVAL_MS);
        assertThat(timing.toPinhole()).isPositive();
    }

    private boolean announces(ExpectationEvent e, Mode mode) {
        return !measured.contains(e.getExpectationId()) && e.getEvidence() != null
                && e.getEvidence().startsWith(mode.announcement());
    }
}
