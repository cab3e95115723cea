package io.ctstream.launcher.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.launcher.CtstreamCommand;
import io.ctstream.launcher.lab.FtpTransfer.Mode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Operator verdicts in the live gateway lab ({@link LiveLab}, namespace prefix {@code
 * $CTSTREAM_LAB_PREFIX}, default {@code ctlive-op}): a BLOCK of the client's address during a
 * running FTP download stops it (measured: from the command's return to the first packet dropped by
 * the block); a REVOKE lets new connections through again; an ALLOW opens a port the policy never
 * announced (an HTTP server in the server namespace) and it closes at its TTL; {@code verdict list}
 * shows each state. Needs what {@link LiveGatewayFtpTest} needs, and python3.
 */
@ExtendWith(EmbeddedCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveOperatorVerdictTest {
    static final String PREFIX = System.getenv().getOrDefault("CTSTREAM_LAB_PREFIX", "ctlive-op");
    static final int HTTP_PORT = 17480;
    LiveLab live;
    Path keys;
    String topicPrefix;
    Process http;

    @BeforeAll
    void setUp() throws Exception {
        List<String> missing = GatewayLab.missingPrerequisites(LiveLab.TOOLS);
        assumeTrue(
                missing.isEmpty() && LabShell.onPath("python3"),
                "the live operator test needs " + String.join(", ", missing) + " and python3");
        topicPrefix = EmbeddedCluster.uniqueTopic("live-op") + "-";
        Path work = Files.createTempDirectory("ctstream-live-op");
        live =
                LiveLab.start(
                        PREFIX,
                        new LiveGateway.Settings(
                                EmbeddedCluster.bootstrapServers(),
                                EmbeddedCluster.schemaRegistryUrl(),
                                topicPrefix,
                                work,
                                100,
                                -1),
                        new SimpleMeterRegistry());
        // the operator's key, scoped, in the agent's key file too; the agent reloads it on restart
        keys = live.gateway().policy().keyFile();
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        Files.writeString(
                keys,
                "key."
                        + LiveGateway.GATEWAY_ID
                        + ".op-lab = "
                        + Base64.getEncoder().encodeToString(secret)
                        + "\nscope."
                        + LiveGateway.GATEWAY_ID
                        + ".op-lab = BLOCK,REVOKE,ALLOW max-ttl=600\n",
                StandardOpenOption.APPEND);
        live.gateway().stopEnforcement();
        live.gateway().startEnforcement();
        // a file big enough for a transfer still running when the BLOCK comes (32 MiB at 1 MiB/s)
        try (java.io.OutputStream big =
                Files.newOutputStream(work.resolve("vsftpd/root/big.bin"))) {
            big.write(new byte[32 << 20]);
        }
        http =
                LabShell.start(
                        work.resolve("http.log"),
                        GatewayLab.inNamespace(
                                live.lab().server(),
                                "python3",
                                "-m",
                                "http.server",
                                Integer.toString(HTTP_PORT),
                                "--bind",
                                GatewayLab.SERVER_IP,
                                "--directory",
                                work.toString()));
    }

    @AfterAll
    void tearDown() {
        if (http != null) {
            http.destroy();
        }
        if (live != null) {
            live.close();
        }
    }

    String[] cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of(
                        "-b",
                        EmbeddedCluster.bootstrapServers(),
                        "-r",
                        EmbeddedCluster.schemaRegistryUrl(),
                        "--topic-prefix",
                        topicPrefix));
        if (!args[1].equals("list")) {
            all.addAll(List.of("--keys", keys.toString(), "--key-id", "op-lab", "--user", "lab"));
        } else {
            all.addAll(List.of("--keys", keys.toString()));
        }
        picocli.CommandLine cl = CtstreamCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(all.toArray(String[]::new));
        assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
        System.out.println("live-op: ctstream " + String.join(" ", args) + "\n" + out);
        return new String[] {out.toString(), err.toString()};
    }

    /** Packets dropped so far by the rule of ctstream's block4_src set in gw. */
    long blockedPackets() {
        String chain =
                LabShell.run(
                        GatewayLab.inNamespace(
                                        live.lab().gw(),
                                        "nft",
                                        "list",
                                        "chain",
                                        "inet",
                                        LiveGateway.TABLE,
                                        "verdicts")
                                .toArray(String[]::new));
        Matcher m = Pattern.compile("@block4_src counter packets (\\d+)").matcher(chain);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    String blockSet() {
        return LabShell.run(
                GatewayLab.inNamespace(
                                live.lab().gw(),
                                "nft",
                                "list",
                                "set",
                                "inet",
                                LiveGateway.TABLE,
                                "block4_src")
                        .toArray(String[]::new));
    }

    boolean httpGet(int timeoutSeconds) {
        LabShell.Result r =
                LabShell.status(
                        GatewayLab.inNamespace(
                                live.lab().client(),
                                "curl",
                                "-sS",
                                "-o",
                                "/dev/null",
                                "--connect-timeout",
                                Integer.toString(timeoutSeconds),
                                "--max-time",
                                Integer.toString(timeoutSeconds + 1),
                                "http://" + GatewayLab.SERVER_IP + ":" + HTTP_PORT + "/"),
                        timeoutSeconds + 10);
        return r.ok();
    }

    @Test
    void blockStopsARunningTransferRevokeRestoresAllowOpensAPortUntilItsTtl() throws Exception {
        // a slow passive download (32 MiB at 1 MiB/s: 32 s) through the policy's pinhole
        CompletableFuture<LabShell.Result> download =
                CompletableFuture.supplyAsync(
                        () ->
                                LabShell.status(
                                        GatewayLab.inNamespace(
                                                live.lab().client(),
                                                "curl",
                                                "-sS",
                                                "-o",
                                                "/dev/null",
                                                "--disable-epsv",
                                                "--limit-rate",
                                                "1M",
                                                "--max-time",
                                                "40",
                                                "ftp://" + GatewayLab.SERVER_IP + "/big.bin"),
                                        60));
        Thread.sleep(4_000);
        if (download.isDone()) {
            throw new AssertionError(
                    "the download ended before the BLOCK: "
                            + download.get()
                            + "\n"
                            + live.diagnostics());
        }
        long before = blockedPackets();
        long t0 = System.nanoTime();
        cli(
                "verdict",
                "block",
                "--gateway",
                LiveGateway.GATEWAY_ID,
                "--src",
                GatewayLab.CLIENT_IP,
                "--ttl",
                "10m",
                "--reason",
                "live test: client under investigation");
        long committed = System.nanoTime();
        // in force = the element in gw's table: from then on no packet from the client passes gw,
        // established or not
        while (!blockSet().contains(GatewayLab.CLIENT_IP)
                && System.nanoTime() - committed < 10_000_000_000L) {
            Thread.sleep(5);
        }
        long inForce = System.nanoTime();
        long afterCommitMs = (inForce - committed) / 1_000_000;
        System.out.printf(
                "live-op: BLOCK during a transfer: in gw's table %d ms after the verdict was committed"
                        + " (%d ms after the command started)%n",
                afterCommitMs, (inForce - t0) / 1_000_000);
        assertThat(afterCommitMs).as("block in force within 1 s of the verdict").isLessThan(1_000);
        // the client's packets (its ACKs) are dropped from then on; when depends on when the client
        // next sends
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(15))
                .until(() -> blockedPackets() > before);
        System.out.printf(
                "live-op: first client packet dropped %d ms after the verdict was committed%n",
                (System.nanoTime() - committed) / 1_000_000);
        LabShell.Result stopped = download.get();
        assertThat(stopped.ok())
                .as("the blocked download does not complete: " + stopped.output())
                .isFalse();
        assertThat(cli("verdict", "list", "--gateway", LiveGateway.GATEWAY_ID)[0])
                .contains("operator BLOCK  tcp " + GatewayLab.CLIENT_IP + " -> * port *");

        // REVOKE: new connections pass again
        cli(
                "verdict",
                "revoke",
                "--gateway",
                LiveGateway.GATEWAY_ID,
                "--src",
                GatewayLab.CLIENT_IP,
                "--reason",
                "live test: cleared");
        Thread.sleep(1_000);
        FtpTransfer.Outcome again = FtpTransfer.download(live.lab(), Mode.PASSIVE, 30);
        assertThat(again.ok()).as("after the REVOKE: " + again).isTrue();
        assertThat(cli("verdict", "list", "--gateway", LiveGateway.GATEWAY_ID)[0])
                .doesNotContain("operator BLOCK");

        // ALLOW of a port the policy never announced, for 8 s
        assertThat(httpGet(2)).as("port " + HTTP_PORT + " is closed by gw's policy").isFalse();
        cli(
                "verdict",
                "allow",
                "--gateway",
                LiveGateway.GATEWAY_ID,
                "--src",
                GatewayLab.CLIENT_IP,
                "--dst",
                GatewayLab.SERVER_IP,
                "--port",
                Integer.toString(HTTP_PORT),
                "--ttl",
                "8",
                "--reason",
                "live test: one port");
        Thread.sleep(1_000);
        assertThat(httpGet(3)).as("the operator's ALLOW opens port " + HTTP_PORT).isTrue();
        assertThat(cli("verdict", "list", "--gateway", LiveGateway.GATEWAY_ID)[0])
                .contains(
                        "operator ALLOW  tcp "
                                + GatewayLab.CLIENT_IP
                                + " -> "
                                + GatewayLab.SERVER_IP
                                + " port "
                                + HTTP_PORT);
        Thread.sleep(9_000);
        assertThat(httpGet(2)).as("closed again at its TTL").isFalse();
        assertThat(cli("verdict", "list", "--gateway", LiveGateway.GATEWAY_ID)[0])
                .doesNotContain("operator ALLOW");
    }
}
