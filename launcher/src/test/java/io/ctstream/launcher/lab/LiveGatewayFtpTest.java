package io.ctstream.launcher.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.launcher.lab.FtpTransfer.Mode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole system live ({@link LiveLab}): client, gw and server namespaces (gw drops every new
 * forwarded connection except to port 21 and has no kernel helper), vsftpd in server, curl in client.
 * ctstream captures on gw, tracks, emits verdicts, and its enforcement agent opens pinholes in gw's
 * nft table. Active (PORT) and passive (227) transfers succeed with the agent running and fail with
 * it stopped. Prints each transfer's time-to-pinhole. Needs root, ip, nft, ethtool, ss, vsftpd and curl;
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

    LiveLab live;

    @BeforeAll
    void setUp() throws Exception {
        List<String> missing = GatewayLab.missingPrerequisites(LiveLab.TOOLS);
        assumeTrue(missing.isEmpty(), "the live gateway test needs " + String.join(", ", missing)
                + " (.ci/run installs the packages)");
        live = LiveLab.start(PREFIX, new LiveGateway.Settings(EmbeddedCluster.bootstrapServers(),
                EmbeddedCluster.schemaRegistryUrl(), EmbeddedCluster.uniqueTopic("live-ftp") + "-",
                Files.createTempDirectory("ctstream-live-ftp"), COMMIT_INTERVAL_MS, -1), new SimpleMeterRegistry());
    }

    @AfterAll
    void tearDown() {
        if (live != null) {
            live.close();
        }
    }

    /** Twice each: the first expectation after start pays one-time costs (schemas, transactions, fetch sessions). */
    @Test
    @Order(1)
    void activeAndPassiveTransfersPassThroughCtstreamsPinholes() {
        for (String round : List.of("first", "second")) {
            for (Mode mode : Mode.values()) {
                LiveLab.Transfer t = live.transfer(mode, 30);
                System.out.println("live-ftp: " + t.outcome());
                if (!t.outcome().ok()) {
                    throw new AssertionError(mode + " transfer through gw: " + t.outcome() + "\n" + live.diagnostics());
                }
                System.out.printf("live-ftp: %s (%s) time-to-pinhole %d ms: %s (commit.interval.ms=%d)%n", mode, round,
                        t.timing().toPinhole().toMillis(), t.timing().describe(), COMMIT_INTERVAL_MS);
                assertThat(t.timing().toPinhole()).isPositive();
            }
        }
    }

    @Test
    @Order(2)
    void withTheAgentStoppedBothTransfersFail() {
        live.gateway().stopEnforcement();
        for (Mode mode : Mode.values()) {
            FtpTransfer.Outcome outcome = live.transfer(mode, 8).outcome();
            System.out.println("live-ftp: agent stopped: " + outcome);
            assertThat(outcome.ok()).as("%s transfer without the enforcement agent must fail (gw drops the data "
                    + "connection)", mode).isFalse();
        }
    }
}
