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
 * forwarded connection except to port 21 and has no kernel helper), vsftpd in server, curl in
 * client. ctstream captures on gw, tracks, emits verdicts, and its enforcement agent opens pinholes
 * in gw's nft table. Active (PORT) and passive (227) transfers succeed with the agent running and
 * fail with it stopped. Prints each transfer's time-to-pinhole. Needs root, ip, nft, ethtool, ss,
 * vsftpd and curl; skipped with the reason otherwise.
 */
@ExtendWith(EmbeddedCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveGatewayFtpTest {
    /**
     * Namespace prefix of this test only; a killed run's leftovers with it are removed first.
     * Engineers who share a machine set {@code CTSTREAM_LAB_PREFIX} so that one's run never deletes
     * another's namespaces.
     */
    static final String PREFIX = System.getenv().getOrDefault("CTSTREAM_LAB_PREFIX", "ctlive-ftp");

    /**
     * Kafka's commit interval under exactly-once, streams-app's default: the tracker commits as
     * soon as it has written a pinhole's ALLOW, so the pinhole does not wait for it (streams-app's
     * README).
     */
    static final int COMMIT_INTERVAL_MS = 100;

    LiveLab live;

    @BeforeAll
    void setUp() throws Exception {
        List<String> missing = GatewayLab.missingPrerequisites(LiveLab.TOOLS);
        assumeTrue(
                missing.isEmpty(),
                "the live gateway test needs "
                        + String.join(", ", missing)
                        + " (.ci/run installs the packages)");
        live =
                LiveLab.start(
                        PREFIX,
                        new LiveGateway.Settings(
                                EmbeddedCluster.bootstrapServers(),
                                EmbeddedCluster.schemaRegistryUrl(),
                                EmbeddedCluster.uniqueTopic("live-ftp") + "-",
                                Files.createTempDirectory("ctstream-live-ftp"),
                                COMMIT_INTERVAL_MS,
                                -1),
                        new SimpleMeterRegistry());
    }

    @AfterAll
    void tearDown() {
        if (live != null) {
            live.close();
        }
    }

    /**
     * Transfers of the suite's run: PORT, PASV, PORT, PASV (the first right after start); the
     * README has 50.
     */
    static final int TRANSFERS = 4;

    @Test
    @Order(1)
    void activeAndPassiveTransfersPassThroughCtstreamsPinholes() {
        LiveLab.Measurement m = live.measure(TRANSFERS, 30);
        for (LiveLab.Transfer t : m.transfers()) {
            System.out.println("live-ftp: " + t.outcome());
            if (!t.outcome().ok()) {
                throw new AssertionError(
                        t.outcome().mode()
                                + " transfer through gw: "
                                + t.outcome()
                                + "\n"
                                + live.diagnostics());
            }
            System.out.printf(
                    "live-ftp: %s time-to-pinhole %d ms: %s (commit.interval.ms=%d)%n",
                    t.outcome().mode(),
                    t.timing().toPinhole().toMillis(),
                    t.timing().describe(),
                    COMMIT_INTERVAL_MS);
            assertThat(t.timing().toPinhole()).isPositive();
            assertThat(t.timing().seenAt())
                    .as("the watcher lists the element the agent reported")
                    .isNotNull();
        }
        System.out.println("live-ftp: " + m.summary());
        assertThat(m.transfers())
                .extracting(t -> t.outcome().mode())
                .containsExactly(Mode.ACTIVE, Mode.PASSIVE, Mode.ACTIVE, Mode.PASSIVE);
        assertThat(m.millis()).hasSize(TRANSFERS);
        // every data connection's SYN is in ctstream's capture on gw (a repeated one is a
        // retransmission)
        assertThat(m.dataSyns()).isGreaterThanOrEqualTo(TRANSFERS);
        assertThat(m.retransmitted()).isBetween(0, m.dataSyns() - TRANSFERS);
        // gw holds each data connection's first SYN for its pinhole (the SYN hold) instead of
        // dropping it: a client
        // retransmits only when its pinhole came after the hold time (then the held SYN was
        // dropped). Without the hold
        // every transfer retransmitted (the SYN follows the announcement by ~1 ms).
        long late =
                m.transfers().stream()
                        .filter(
                                t ->
                                        t.timing().toPinhole().toMillis()
                                                >= io.ctstream.launcher.lab.LiveGateway.HOLD_MILLIS)
                        .count();
        assertThat(m.retransmitted())
                .as(
                        "data-connection SYN retransmissions with the SYN hold (%d pinholes later than the"
                                + " hold time)",
                        late)
                .isLessThanOrEqualTo((int) late);
        // each data connection's first SYN is found in the capture, after the packet that announced
        // it
        assertThat(m.synLeadMicros())
                .hasSize(TRANSFERS)
                .allSatisfy(lead -> assertThat(lead).isPositive());
    }

    @Test
    @Order(2)
    void withTheAgentStoppedBothTransfersFail() {
        live.gateway().stopEnforcement();
        for (Mode mode : Mode.values()) {
            FtpTransfer.Outcome outcome = live.transfer(mode, 8).outcome();
            System.out.println("live-ftp: agent stopped: " + outcome);
            assertThat(outcome.ok())
                    .as(
                            "%s transfer without the enforcement agent must fail (gw drops the data "
                                    + "connection)",
                            mode)
                    .isFalse();
        }
    }
}
