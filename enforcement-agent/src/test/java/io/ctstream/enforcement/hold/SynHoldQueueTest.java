package io.ctstream.enforcement.hold;

import static io.ctstream.enforcement.TestVerdicts.match;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ctstream.enforcement.NetworkNamespace;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SYN hold on real packets: host A connects over a veth pair to host B, whose input policy
 * marks new connections to port 5555 for the hold (instead of dropping them) and queues marked
 * packets to netfilter queue 7, which the agent's {@link SynHoldQueue} reads from inside B's
 * namespace. The connection succeeds without a retransmitted SYN when the pinhole comes within the
 * hold time, and fails as without the hold when it never comes.
 */
class SynHoldQueueTest {
    NetworkNamespace a;
    NetworkNamespace b;
    Process server;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(
                Files.exists(Path.of("/usr/sbin/iptables"))
                        || Files.exists(Path.of("/sbin/iptables")),
                "iptables (Debian package iptables) is needed for the NFQUEUE rule");
        a = NetworkNamespace.open();
        b = NetworkNamespace.open();
        a.exec("ip", "link", "add", "veth-a", "type", "veth", "peer", "name", "veth-b");
        a.exec("ip", "link", "set", "veth-b", "netns", b.name());
        a.exec("ip", "addr", "add", "10.198.0.1/24", "dev", "veth-a");
        b.exec("ip", "addr", "add", "10.198.0.2/24", "dev", "veth-b");
        a.exec("ip", "link", "set", "veth-a", "up");
        b.exec("ip", "link", "set", "veth-b", "up");
        b.exec("ip", "link", "set", "lo", "up");
        // B's policy: a new connection to 5555 is marked for the hold where it would have been
        // dropped
        Path rules = Files.createTempFile("hold", ".nft");
        Files.writeString(
                rules,
                """
                table inet gateway {
                  chain input {
                    type filter hook input priority filter; policy accept;
                    tcp dport 5555 ct state new meta mark set 0x00000100
                  }
                }
                """);
        b.nft("-f", rules.toString());
        Files.delete(rules);
        b.exec(
                "iptables",
                "-w",
                "-t",
                "security",
                "-A",
                "INPUT",
                "-m",
                "mark",
                "--mark",
                "0x100/0x100",
                "-j",
                "NFQUEUE",
                "--queue-num",
                "7");
        server =
                new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                b.name(),
                                "python3",
                                "-m",
                                "http.server",
                                "5555",
                                "--bind",
                                "10.198.0.2")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        // the server listens before any connection is tried (before the queue exists, so nothing
        // holds this probe)
        await().atMost(Duration.ofSeconds(15))
                .until(() -> b.exec("ss", "-Hltn", "sport = :5555").contains("5555"));
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.destroyForcibly();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    /** curl from A; its connect time in seconds, or -1 when it could not connect. */
    private Process curl() throws Exception {
        return new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        a.name(),
                        "curl",
                        "-s",
                        "-o",
                        "/dev/null",
                        "--connect-timeout",
                        "4",
                        "-w",
                        "%{time_connect}",
                        "http://10.198.0.2:5555/")
                .redirectErrorStream(true)
                .start();
    }

    private static double connectSeconds(Process curl) throws Exception {
        assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(curl.getInputStream().readAllBytes()).trim();
        return curl.exitValue() == 0 ? Double.parseDouble(out) : -1;
    }

    @Test
    void theFirstSynWaitsForItsPinholeInsteadOfBeingDropped() throws Exception {
        try (SynHoldQueue q =
                SynHoldQueue.open(
                        7,
                        "/var/run/netns/" + b.name(),
                        new HeldPackets(2_000, 2_000, 1024),
                        meters,
                        "b")) {
            Process curl = curl();
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> q.held() == 1);
            // the pipeline's part, simulated: the pinhole comes a while after the SYN, as it would
            Thread.sleep(300);
            q.applied(match("10.198.0.1", -1, "10.198.0.2", 6, 5555));
            double connect = connectSeconds(curl);
            assertThat(connect)
                    .as("connected after the pinhole, without the 1 s SYN retransmission")
                    .isBetween(0.25, 0.95);
            assertThat(
                            meters.counter(
                                            "ctstream.enforcement.held",
                                            "gateway",
                                            "b",
                                            "outcome",
                                            "accepted")
                                    .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void withoutAPinholeTheHeldSynIsDroppedAfterTheHoldTime() throws Exception {
        try (SynHoldQueue q =
                SynHoldQueue.open(
                        7,
                        "/var/run/netns/" + b.name(),
                        new HeldPackets(300, 2_000, 1024),
                        meters,
                        "b")) {
            double connect = connectSeconds(curl());
            assertThat(connect)
                    .as("never connects: every SYN and retransmission dropped")
                    .isEqualTo(-1);
            assertThat(q.held()).as("nothing waits beyond the hold time").isZero();
            assertThat(
                            meters.counter(
                                            "ctstream.enforcement.held",
                                            "gateway",
                                            "b",
                                            "outcome",
                                            "dropped")
                                    .count())
                    .isGreaterThanOrEqualTo(2);
        }
    }
}
