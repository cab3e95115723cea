package io.ctstream.launcher.lab;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.launcher.lab.FtpTransfer.Mode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The live FTP lab as one thing, for {@code ctstream demo --live} and {@code LiveGatewayFtpTest}:
 * the {@link GatewayLab}, vsftpd in its server namespace, ctstream's pipeline on its gateway
 * ({@link LiveGateway}) and a {@link PinholeWatcher} on gw's table. {@link #close()} tears all of it
 * down, namespaces included, whatever state it is in.
 */
public final class LiveLab implements AutoCloseable {
    /** Everything the lab runs, as commands on the PATH. */
    public static final List<String> TOOLS = List.of("ip", "nft", "ethtool", "ss", VsftpdServer.BINARY, "curl");

    /** One transfer: what curl did and, when it passed, its time-to-pinhole. */
    public record Transfer(FtpTransfer.Outcome outcome, PinholeTiming timing) {
    }

    private final GatewayLab lab;
    private VsftpdServer server;
    private LiveGateway gateway;
    private PinholeWatcher watcher;
    private final Set<String> measured = new HashSet<>();

    private LiveLab(GatewayLab lab) {
        this.lab = lab;
    }

    /**
     * Builds the namespaces (prefix {@code prefix}), starts vsftpd, the pipeline and the enforcement
     * agent, and watches gw's table.
     *
     * @throws LabException naming what is missing or what failed; nothing is left behind
     */
    public static LiveLab start(String prefix, LiveGateway.Settings settings, MeterRegistry meters) throws Exception {
        List<String> missing = GatewayLab.missingPrerequisites(TOOLS);
        if (!missing.isEmpty()) {
            throw new LabException("the live lab needs " + String.join(", ", missing)
                    + " (Debian: apt-get install iproute2 nftables ethtool vsftpd curl; run as root)");
        }
        LiveLab live = new LiveLab(GatewayLab.up(prefix));
        try {
            live.server = VsftpdServer.start(live.lab, settings.workDir());
            live.gateway = new LiveGateway(live.lab, settings, meters);
            live.gateway.startPipeline();
            live.gateway.startEnforcement();
            live.watcher = new PinholeWatcher(live.lab.gwNftCommand(), LiveGateway.TABLE, 10);
        } catch (Exception | Error e) {
            live.close();
            throw e;
        }
        return live;
    }

    /**
     * Downloads the file in {@code mode}; when it passed, waits for the pinhole that let it through
     * and returns its timing too.
     */
    public Transfer transfer(Mode mode, int timeoutSeconds) {
        FtpTransfer.Outcome outcome = FtpTransfer.download(lab, mode, timeoutSeconds);
        if (!outcome.ok()) {
            return new Transfer(outcome, null);
        }
        PinholeTiming timing = PinholeTiming.await(gateway, watcher, e -> announces(e, mode), Duration.ofSeconds(20));
        measured.add(timing.expectationId());
        return new Transfer(outcome, timing);
    }

    private boolean announces(ExpectationEvent e, Mode mode) {
        return !measured.contains(e.getExpectationId()) && e.getEvidence() != null
                && e.getEvidence().startsWith(mode.announcement());
    }

    /** What to print when a transfer did not do what it should: topics, vsftpd's log, gw's ruleset. */
    public String diagnostics() {
        return "topics: " + gateway.topicCounts() + "\nvsftpd: " + server.log() + "\ngw: " + lab.gwRuleset();
    }

    public GatewayLab lab() {
        return lab;
    }

    public LiveGateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        List<AutoCloseable> parts = new ArrayList<>();
        parts.add(watcher);
        parts.add(gateway);
        parts.add(server);
        parts.add(lab);
        for (AutoCloseable c : parts) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("live lab tear down: " + e);
            }
        }
    }
}
