package io.ctstream.launcher.demo;

import io.ctstream.launcher.analyze.PipelineAnalyzer;
import io.ctstream.launcher.lab.FtpTransfer;
import io.ctstream.launcher.lab.FtpTransfer.Mode;
import io.ctstream.launcher.lab.GatewayLab;
import io.ctstream.launcher.lab.LiveGateway;
import io.ctstream.launcher.lab.LiveLab;
import io.ctstream.launcher.metrics.PrometheusMetrics;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.StreamsAppConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * {@code ctstream demo --live}: the {@link LiveLab} (the same code as {@code LiveGatewayFtpTest}),
 * an active and a passive FTP transfer through ctstream's pinholes with their time-to-pinhole, the
 * same two with the enforcement agent stopped (gw drops them), and the summary of what the pipeline
 * saw.
 */
public final class LiveDemo implements AutoCloseable {
    /**
     * Commit interval of the live pipeline: Kafka's default under exactly-once, as streams-app runs
     * by default; the tracker commits at once after a pinhole's ALLOW, so the pinhole does not wait
     * for it.
     */
    static final int COMMIT_INTERVAL_MS = 100;

    private final PrintWriter out;
    private final String prefix;
    private final int queryPort;
    private LiveLab live;

    private final String topicPrefix;
    private final int transfers;

    /**
     * {@code prefix}: the namespaces'; {@code topicPrefix}: put before the run's own topic prefix;
     * {@code transfers}: how many transfers through the pinholes (PORT and PASV in turn, at least
     * 2).
     */
    public LiveDemo(
            PrintWriter out, String prefix, int queryPort, String topicPrefix, int transfers) {
        if (transfers < 2) {
            throw new IllegalArgumentException(
                    "--transfers must be at least 2 (a PORT and a PASV), got " + transfers);
        }
        this.transfers = transfers;
        this.out = out;
        this.topicPrefix = topicPrefix;
        this.prefix = prefix;
        this.queryPort = queryPort;
    }

    /**
     * Runs the lab; true when the transfers did what they should (pass with the agent, fail
     * without).
     */
    public boolean run(String bootstrap, String registry) throws Exception {
        out.println(
                "building the live lab: namespaces "
                        + prefix
                        + "-client, "
                        + prefix
                        + "-gw, "
                        + prefix
                        + "-server; vsftpd on "
                        + GatewayLab.SERVER_IP
                        + "; ctstream on gw ...");
        String topics =
                topicPrefix + "demo-live-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        live =
                LiveLab.start(
                        prefix,
                        new LiveGateway.Settings(
                                bootstrap,
                                registry,
                                topics,
                                Files.createTempDirectory("ctstream-demo-live"),
                                COMMIT_INTERVAL_MS,
                                queryPort),
                        new PrometheusMetrics().registry());
        boolean ok = true;
        out.println(
                transfers
                        + " transfers from "
                        + GatewayLab.CLIENT_IP
                        + " through gw (no kernel helper; ctstream's agent running), PORT and PASV in turn:");
        LiveLab.Measurement m = live.measure(transfers, 30);
        for (LiveLab.Transfer t : m.transfers()) {
            out.println("  " + t.outcome());
            if (t.timing() != null) {
                out.printf(
                        "    time-to-pinhole %d ms: %s%n",
                        t.timing().toPinhole().toMillis(), t.timing().describe());
            }
        }
        ok &= m.allPassed();
        out.println(m.summary());
        out.println(
                "  target: p99 < 100 ms and no SYN retransmission on data connections: "
                        + (m.percentile(0.99) < 100 && m.retransmitted() == 0 ? "met" : "NOT met"));
        live.gateway().stopEnforcement();
        out.println(
                "the same with the enforcement agent stopped (gw must drop the data connections):");
        for (Mode mode : Mode.values()) {
            FtpTransfer.Outcome outcome = live.transfer(mode, 8).outcome();
            out.println("  " + outcome);
            ok &= !outcome.ok();
        }
        StreamsAppConfig config = live.gateway().streams().config();
        PipelineAnalyzer.settle(
                live.gateway().streams(), Duration.ofMillis(1500), Duration.ofMinutes(1));
        DemoSummary summary = DemoSummary.of(live.gateway().streams());
        out.println();
        out.println("summary:");
        summary.print(out);
        out.println();
        String query = "http://" + config.queryHost() + ":" + live.gateway().streams().queryPort();
        out.println("where to look:");
        if (live.gateway().streams().queryPort() > 0) {
            out.println(
                    "  query API        "
                            + query
                            + "/connections?helper=ftp   "
                            + query
                            + "/connections/counts");
            out.println("  metrics          " + DemoMetrics.describe(live.gateway().streams()));
        }
        out.println(
                "  gw's nft table   ip netns exec "
                        + live.lab().gw()
                        + " nft list table inet "
                        + LiveGateway.TABLE);
        out.println(
                "  topics           "
                        + String.join(
                                " ",
                                List.of(
                                                Topics.PACKETS,
                                                Topics.EXPECTATIONS,
                                                Topics.VERDICTS,
                                                Topics.REPORTS)
                                        .stream()
                                        .map(config::topic)
                                        .toList()));
        out.println(
                "  kafka            bootstrap.servers="
                        + bootstrap
                        + "  schema.registry.url="
                        + registry);
        return ok;
    }

    @Override
    public void close() {
        if (live != null) {
            live.close();
            live = null;
        }
    }
}
