package io.ctstream.capture.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real live capture: two network namespaces joined by a veth pair; the agent's {@link LiveSource}
 * (pcap4j, raw frames, BPF filter) captures in one namespace while the other sends a known number
 * of UDP datagrams. Needs root and {@code ip netns}; skipped with the reason otherwise.
 */
class LiveCaptureNetnsTest {
    private static final int DATAGRAMS = 25;
    private static final int PORT = 9999;

    private final String suffix =
            Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    private final String nsCapture = "ct-cap-" + suffix + "-a";
    private final String nsSender = "ct-cap-" + suffix + "-b";
    private final String vethCapture = "ctc" + suffix + "a";
    private final String vethSender = "ctc" + suffix + "b";
    private final int subnet = ThreadLocalRandom.current().nextInt(1, 250);
    private final List<String> created = new ArrayList<>();
    private Process probe;

    @AfterEach
    void cleanUp() throws Exception {
        if (probe != null) {
            probe.destroyForcibly();
            probe.waitFor(10, TimeUnit.SECONDS);
        }
        for (String ns : created) {
            sh("ip", "netns", "del", ns);
        }
    }

    @Test
    void capturesExactlyTheTrafficTheTestSends() throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")) || uid() == 0,
                "live capture in network namespaces needs root");
        Assumptions.assumeTrue(sh("ip", "netns", "list") == 0, "needs iproute2 with 'ip netns'");

        String a = twoNamespaces();
        String java = ProcessHandle.current().info().command().orElse("java");
        probe =
                new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                nsCapture,
                                java,
                                "-cp",
                                System.getProperty("java.class.path"),
                                LiveCaptureProbe.class.getName(),
                                vethCapture,
                                "udp",
                                String.valueOf(PORT))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    probe.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                String l;
                                while ((l = r.readLine()) != null) {
                                    lines.add(l);
                                }
                            } catch (IOException ignored) {
                                // the probe ended
                            }
                        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                lines.contains("ready")
                                        || lines.stream().anyMatch(l -> l.startsWith("error")));
        assertThat(lines).noneMatch(l -> l.startsWith("error"));

        // DATAGRAMS UDP datagrams of 4 bytes from the other namespace (bash's /dev/udp; no listener
        // needed)
        mustRun(
                "ip",
                "netns",
                "exec",
                nsSender,
                "bash",
                "-c",
                "for i in $(seq "
                        + DATAGRAMS
                        + "); do printf 'ping' > /dev/udp/"
                        + a
                        + "/"
                        + PORT
                        + "; done");

        await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("count " + DATAGRAMS));
        try (Writer w = new OutputStreamWriter(probe.getOutputStream(), StandardCharsets.UTF_8)) {
            w.write("stop\n");
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> lines.stream().anyMatch(l -> l.startsWith("final")));
        String last = lines.stream().filter(l -> l.startsWith("final")).findFirst().orElseThrow();
        assertThat(last)
                .contains("matching=" + DATAGRAMS + " ")
                .contains("rejected=0")
                .contains("pcapDropped=0");
        // the BPF filter "udp" kept ARP out: nothing else than the datagrams (and no ICMP errors)
        assertThat(last).contains("other=0");
    }

    /**
     * The same capture without a child JVM: this JVM stays in the host's namespace and opens the
     * interface of the capture namespace by name ({@code --netns}), inbound only.
     */
    @Test
    void opensTheInterfaceOfANamedNamespaceFromThisJvm() throws Exception {
        Assumptions.assumeTrue(uid() == 0, "joining a network namespace needs root");
        Assumptions.assumeTrue(sh("ip", "netns", "list") == 0, "needs iproute2 with 'ip netns'");
        String a = twoNamespaces();
        LiveSource source =
                new LiveSource(
                        new LiveCaptureOptions(
                                        List.of(vethCapture), "udp", 65535, true, 4 << 20, true, 50)
                                .toBuilder().netns(nsCapture).build().toBuilder()
                                        .inboundOnly(true)
                                        .build());
        java.util.concurrent.atomic.AtomicInteger frames =
                new java.util.concurrent.atomic.AtomicInteger();
        source.open(); // in the namespace: the interface name exists only there
        Thread t =
                new Thread(
                        () -> {
                            try {
                                source.run(() -> f -> frames.incrementAndGet());
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
        t.start();
        mustRun(
                "ip",
                "netns",
                "exec",
                nsSender,
                "bash",
                "-c",
                "for i in $(seq "
                        + DATAGRAMS
                        + "); do printf 'ping' > /dev/udp/"
                        + a
                        + "/"
                        + PORT
                        + "; done");
        await().atMost(Duration.ofSeconds(30)).until(() -> frames.get() >= DATAGRAMS);
        source.stop();
        t.join(10_000);
        assertThat(frames.get()).isEqualTo(DATAGRAMS);
        assertThat(source.describe()).contains("in network namespace " + nsCapture, "inbound only");
    }

    @Test
    void aMissingNamespaceIsAClearSetupError() {
        LiveSource source =
                new LiveSource(
                        LiveCaptureOptions.defaults(List.of("eth0")).toBuilder()
                                .netns("ct-cap-no-such-ns")
                                .build());
        org.assertj.core.api.Assertions.assertThatThrownBy(source::open)
                .isInstanceOf(CaptureSetupException.class)
                .hasMessageContaining("no network namespace 'ct-cap-no-such-ns'");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                LiveCaptureOptions.defaults(List.of("eth0")).toBuilder()
                                        .netns("../x")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad network namespace name");
    }

    /** Two namespaces joined by a veth pair in 10.200.x.0/24; returns the capture end's address. */
    private String twoNamespaces() throws IOException, InterruptedException {
        String a = "10.200." + subnet + ".1";
        String b = "10.200." + subnet + ".2";
        mustRun("ip", "netns", "add", nsCapture);
        created.add(nsCapture);
        mustRun("ip", "netns", "add", nsSender);
        created.add(nsSender);
        mustRun(
                "ip",
                "link",
                "add",
                vethCapture,
                "netns",
                nsCapture,
                "type",
                "veth",
                "peer",
                "name",
                vethSender,
                "netns",
                nsSender);
        mustRun("ip", "-n", nsCapture, "addr", "add", a + "/24", "dev", vethCapture);
        mustRun("ip", "-n", nsSender, "addr", "add", b + "/24", "dev", vethSender);
        mustRun("ip", "-n", nsCapture, "link", "set", vethCapture, "up");
        mustRun("ip", "-n", nsSender, "link", "set", vethSender, "up");
        return a;
    }

    private static long uid() {
        try {
            Process p = new ProcessBuilder("id", "-u").start();
            String out =
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int sh(String... cmd) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static void mustRun(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
