package io.ctstream.launcher.lab;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.PacketRecord;
import io.ctstream.launcher.analyze.TopicReader;
import io.ctstream.launcher.lab.FtpTransfer.Mode;
import io.ctstream.schemas.IpProtocol;
import io.ctstream.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The live FTP lab as one thing, for {@code ctstream demo --live} and {@code LiveGatewayFtpTest}:
 * the {@link GatewayLab}, vsftpd in its server namespace, ctstream's pipeline on its gateway
 * ({@link LiveGateway}) and a {@link PinholeWatcher} on gw's table. {@link #close()} tears all of
 * it down, namespaces included, whatever state it is in.
 */
public final class LiveLab implements AutoCloseable {
    /** Everything the lab runs, as commands on the PATH. */
    public static final List<String> TOOLS =
            List.of("ip", "nft", "iptables", "ethtool", "ss", VsftpdServer.BINARY, "curl");

    /** One transfer: what curl did and, when it passed, its time-to-pinhole. */
    public record Transfer(FtpTransfer.Outcome outcome, PinholeTiming timing) {}

    /** How often the watcher lists gw's table. */
    static final long WATCH_PERIOD_MILLIS = 100;

    /**
     * A series of transfers, PORT and PASV in turn (the first one the first after start), and what
     * gw's capture and ruleset say about their data connections.
     *
     * @param transfers each transfer, in order
     * @param dataSyns SYNs of data connections (TCP, not to port 21) captured inbound on gw
     * @param retransmitted of them, SYNs that repeat an earlier one (same addresses and ports): the
     *     first was dropped because its pinhole was late
     * @param gwDrops packets gw's own ruleset dropped (its final {@code counter drop})
     * @param synLeadMicros per transfer that passed, how long after the announcing packet its data
     *     connection's first SYN reached gw (both capture timestamps): the time a pinhole has to
     *     beat that SYN
     */
    public record Measurement(
            List<Transfer> transfers,
            int dataSyns,
            int retransmitted,
            long gwDrops,
            List<Long> synLeadMicros) {
        /** Times to pinhole of the transfers that passed, in ms, in transfer order. */
        public List<Long> millis() {
            return transfers.stream()
                    .filter(t -> t.timing() != null)
                    .map(t -> t.timing().toPinhole().toMillis())
                    .toList();
        }

        /** The q-quantile (nearest rank) of the times to pinhole, ms. */
        public long percentile(double q) {
            List<Long> sorted = millis().stream().sorted().toList();
            if (sorted.isEmpty()) {
                return -1;
            }
            return sorted.get(
                    Math.max(
                            0,
                            Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)));
        }

        public boolean allPassed() {
            return transfers.stream().allMatch(t -> t.outcome().ok());
        }

        public String summary() {
            long port = transfers.stream().filter(t -> t.outcome().mode() == Mode.ACTIVE).count();
            return String.format(
                            Locale.ROOT,
                            "time to pinhole over %d transfers (%d PORT, %d PASV, the first "
                                    + "after start included; announcing packet captured on gw -> element in gw's nft set): p50 %d ms, "
                                    + "p99 %d ms, max %d ms, first %d ms; data-connection SYNs %d, retransmitted %d; gw drops %d",
                            transfers.size(),
                            port,
                            transfers.size() - port,
                            percentile(0.5),
                            percentile(0.99),
                            percentile(1.0),
                            millis().isEmpty() ? -1 : millis().get(0),
                            dataSyns,
                            retransmitted,
                            gwDrops)
                    + String.format(
                            Locale.ROOT,
                            "; the first data SYN reached gw %.2f ms (median) / %.2f ms (max) "
                                    + "after the announcing packet",
                            quantile(synLeadMicros, 0.5) / 1000.0,
                            quantile(synLeadMicros, 1.0) / 1000.0);
        }

        private static long quantile(List<Long> values, double q) {
            List<Long> sorted = values.stream().sorted().toList();
            return sorted.isEmpty()
                    ? -1
                    : sorted.get(
                            Math.max(
                                    0,
                                    Math.min(
                                            sorted.size() - 1,
                                            (int) Math.ceil(q * sorted.size()) - 1)));
        }
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
     * Builds the namespaces (prefix {@code prefix}), starts vsftpd, the pipeline and the
     * enforcement agent, and watches gw's table.
     *
     * @throws LabException naming what is missing or what failed; nothing is left behind
     */
    public static LiveLab start(String prefix, LiveGateway.Settings settings, MeterRegistry meters)
            throws Exception {
        List<String> missing = GatewayLab.missingPrerequisites(TOOLS);
        if (!missing.isEmpty()) {
            throw new LabException(
                    "the live lab needs "
                            + String.join(", ", missing)
                            + " (Debian: apt-get install iproute2 nftables ethtool vsftpd curl; run as root)");
        }
        LiveLab live = new LiveLab(GatewayLab.up(prefix));
        try {
            live.server = VsftpdServer.start(live.lab, settings.workDir());
            live.gateway = new LiveGateway(live.lab, settings, meters);
            live.gateway.startPipeline();
            live.gateway.startEnforcement();
            // a cross-check only (the timing comes from the agent's reports): each poll starts nft
            // in gw, which at
            // 10 ms kept a core of the shared 2-core machine busy and slowed what it measured
            live.watcher =
                    new PinholeWatcher(
                            live.lab.gwNftCommand(), LiveGateway.TABLE, WATCH_PERIOD_MILLIS);
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
        PinholeTiming timing =
                PinholeTiming.await(
                        gateway, watcher, e -> announces(e, mode), Duration.ofSeconds(20));
        measured.add(timing.expectationId());
        return new Transfer(outcome, timing);
    }

    /**
     * {@code count} transfers, PORT and PASV in turn (the first one right after start), then the
     * SYNs of their data connections in ctstream's own capture on gw and gw's drop counter. Call
     * before stopping the agent.
     */
    public Measurement measure(int count, int timeoutSeconds) {
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            transfers.add(transfer(i % 2 == 0 ? Mode.ACTIVE : Mode.PASSIVE, timeoutSeconds));
        }
        TopicReader reader =
                new TopicReader(
                        gateway.kafka().getProperty("bootstrap.servers"),
                        gateway.kafka().getProperty("schema.registry.url"));
        Map<String, Integer> syns = new HashMap<>();
        Map<Integer, Long> firstSynByPort = new HashMap<>();
        List<PacketRecord> captured = new ArrayList<>();
        for (PacketRecord r : reader.readAll(gateway.topic(Topics.PACKETS), PacketRecord.class)) {
            captured.add(r);
            captured.addAll(r.getFollowing()); // a per-flow batch carries later packets of its flow
        }
        for (PacketRecord p : captured) {
            boolean synOnly = p.getProtocol() == IpProtocol.TCP && (p.getTcpFlags() & 0x12) == 0x02;
            if (synOnly && p.getDstPort() != 21) {
                firstSynByPort.merge(p.getDstPort(), p.getTimestampMicros(), Math::min);
                syns.merge(
                        address(p.getSrc())
                                + ":"
                                + p.getSrcPort()
                                + ">"
                                + address(p.getDst())
                                + ":"
                                + p.getDstPort(),
                        1,
                        Integer::sum);
            }
        }
        int all = syns.values().stream().mapToInt(Integer::intValue).sum();
        List<Long> leads = new ArrayList<>();
        for (Transfer t : transfers) {
            Long syn = t.timing() == null ? null : firstSynByPort.get(t.timing().dataPort());
            if (syn != null) {
                Instant a = t.timing().announced();
                leads.add(syn - (a.getEpochSecond() * 1_000_000L + a.getNano() / 1000));
            }
        }
        return new Measurement(transfers, all, all - syns.size(), lab.gwDrops(), leads);
    }

    private static String address(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        try {
            return InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException e) {
            return HexFormat.of().formatHex(a);
        }
    }

    private boolean announces(ExpectationEvent e, Mode mode) {
        return !measured.contains(e.getExpectationId())
                && e.getEvidence() != null
                && e.getEvidence().startsWith(mode.announcement());
    }

    /**
     * What to print when a transfer did not do what it should: topics, vsftpd's log, gw's ruleset.
     */
    public String diagnostics() {
        return "topics: "
                + gateway.topicCounts()
                + "\nvsftpd: "
                + server.log()
                + "\ngw: "
                + lab.gwRuleset();
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
