package io.ctstream.bench.pipeline;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.bench.report.BenchRow;
import io.ctstream.bench.report.BenchTable;
import io.ctstream.bench.streams.ConntrackInstances;
import io.ctstream.bench.streams.StreamsWarmUp;
import io.ctstream.bench.support.AgentReplay;
import io.ctstream.bench.support.BenchCluster;
import io.ctstream.bench.support.CatchUp;
import io.ctstream.capture.agent.CaptureTotals;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.streams.policy.PolicyConfig;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.verdict.VerdictKeyring;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Time to pinhole under load: streams-app with a policy (one gateway fed by the bench sensor, FTP
 * and IRC pinholes, every address) while the agent replays a synthetic capture at a steady pace — a
 * fraction of the measured topology rate, so the topology is loaded but not saturated (saturated,
 * the latency is only the growing backlog). For every ALLOW verdict: the wall time a read_committed
 * consumer (as an enforcement agent) first sees it, minus the wall time the broker acknowledged the
 * expectation's announcing packet to the agent ({@link AckClock}, matched by the packet's capture
 * time, which the expectation carries as {@code createdMicros}). Same JVM, same monotonic clock.
 */
public final class PinholeLatencyBench {
    private static final String GATEWAY = "bench-gw";

    /** The topology rate assumed when the topology section did not run. */
    private static final double ASSUMED_TOPOLOGY_RATE = 5_000;

    private static final double REPLAY_SECONDS = 60;

    private final BenchCluster cluster;
    private final int partitions;

    public PinholeLatencyBench(BenchCluster cluster, int partitions) {
        this.cluster = cluster;
        this.partitions = partitions;
    }

    /**
     * The streams-app settings the section measures: {@code commit.interval.ms}, whether the
     * tracker commits as soon as it has written an ALLOW ({@code
     * StreamsAppConfig.commitOnPinhole}), and the producer's {@code linger.ms} (-1: streams-app's
     * default, 5 ms).
     */
    public record Variant(int commitMs, boolean atOnce, int lingerMs) {
        /**
         * streams-app's defaults: Kafka's commit interval under exactly-once, commit at once after
         * an ALLOW.
         */
        public static final String DEFAULT = "100:at-once";

        public static Variant parse(String s) {
            String[] f = s.split(":");
            if (f.length < 2
                    || f.length > 3
                    || !(f[1].equals("at-once") || f[1].equals("interval"))) {
                throw new IllegalArgumentException(
                        "pinhole variant must be COMMIT_MS:at-once|interval[:LINGER_MS], got '"
                                + s
                                + "'");
            }
            return new Variant(
                    Integer.parseInt(f[0]),
                    f[1].equals("at-once"),
                    f.length == 3 ? Integer.parseInt(f[2]) : -1);
        }

        Properties streamsProperties() {
            Properties p = new Properties();
            p.put("commit.interval.ms", String.valueOf(commitMs));
            if (lingerMs >= 0) {
                p.put("producer.linger.ms", String.valueOf(lingerMs));
            }
            return p;
        }

        @Override
        public String toString() {
            return "commit "
                    + commitMs
                    + " ms, "
                    + (atOnce ? "at once after an ALLOW" : "at the interval")
                    + (lingerMs >= 0 ? ", linger " + lingerMs + " ms" : "");
        }
    }

    public void run(
            long maxPackets, double topologyRate, double load, Variant variant, BenchTable table)
            throws Exception {
        StreamsWarmUp.ensure(cluster, partitions, maxPackets);
        double target = load * (Double.isNaN(topologyRate) ? ASSUMED_TOPOLOGY_RATE : topologyRate);
        // a paced replay lasts packets / rate: at most REPLAY_SECONDS, so a slow machine does not
        // run for ever
        long packets =
                Math.max(
                        Math.min(2_000, maxPackets),
                        Math.min(maxPackets, (long) (target * REPLAY_SECONDS)));
        Path pcap = cluster.capture(packets);
        double speed = target / recordedRate(pcap);
        String prefix = BenchCluster.unique("pinhole") + "-";
        cluster.createTopic(prefix + Topics.PACKETS, partitions);
        AckClock.reset();
        Map<String, Long> createdMicros = new HashMap<>();
        Map<String, Long> allowSeenNanos = new ConcurrentHashMap<>();
        Map<String, Long> committedSeenNanos = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        CaptureTotals totals;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
                ConntrackInstances app =
                        ConntrackInstances.start(
                                cluster,
                                prefix,
                                partitions,
                                1,
                                policy(),
                                variant.streamsProperties(),
                                variant.atOnce())) {
            Thread watcher =
                    new Thread(
                            () ->
                                    watch(
                                            app,
                                            createdMicros,
                                            allowSeenNanos,
                                            committedSeenNanos,
                                            stop),
                            "bench-verdict-watcher");
            watcher.start();
            System.out.printf(
                    Locale.ROOT,
                    "pinhole: replaying %,d packets at %.0f packets/s (%.0f%% of %.0f) ...%n",
                    packets,
                    target,
                    load * 100,
                    target / load);
            Properties interceptor = new Properties();
            interceptor.put("interceptor.classes", AckClock.class.getName());
            long start = System.nanoTime();
            totals = AgentReplay.run(cluster, pcap, app.packetsTopic(), speed, interceptor);
            double offered = totals.published() / ((System.nanoTime() - start) / 1e9);
            app.awaitCommitted(admin, CatchUp.endOffsets(admin, app.packetsTopic()));
            Thread.sleep(2_000); // the last transaction's verdicts reach the watcher
            stop.set(true);
            watcher.join();
            double[] ms = latenciesMillis(createdMicros, allowSeenNanos);
            double[] committed = latenciesMillis(createdMicros, committedSeenNanos);
            String note =
                    String.format(
                            Locale.ROOT,
                            "%d ALLOW verdicts, offered %.0f pkt/s (%.0f%% of topology rate), %s",
                            ms.length,
                            offered,
                            load * 100,
                            variant);
            System.out.printf(
                    Locale.ROOT,
                    "pinhole (%s): first visible (tentative or committed) p50 %.1f ms, p90 %.1f ms, "
                            + "p99 %.1f ms, max %.1f ms over %d ALLOWs; committed p50 %.1f ms, p99 %.1f ms%n",
                    variant,
                    percentile(ms, 0.5),
                    percentile(ms, 0.9),
                    percentile(ms, 0.99),
                    percentile(ms, 1.0),
                    ms.length,
                    percentile(committed, 0.5),
                    percentile(committed, 0.99));
            table.add(
                    BenchRow.plain(
                            "time to pinhole",
                            "announcing packet acked -> ALLOW visible (tentative or committed), p50",
                            percentile(ms, 0.50),
                            "ms",
                            note));
            table.add(
                    BenchRow.plain(
                            "time to pinhole",
                            "announcing packet acked -> ALLOW visible (tentative or committed), p99",
                            percentile(ms, 0.99),
                            "ms",
                            "read_committed consumer, same JVM clock"));
            table.add(
                    BenchRow.plain(
                            "time to pinhole",
                            "announcing packet acked -> committed ALLOW visible, p50",
                            percentile(committed, 0.50),
                            "ms",
                            "the exactly-once verdicts topic alone"));
            table.add(
                    BenchRow.plain(
                            "time to pinhole",
                            "announcing packet acked -> committed ALLOW visible, p99",
                            percentile(committed, 0.99),
                            "ms",
                            "the exactly-once verdicts topic alone"));
        }
    }

    private static VerdictPolicy policy() {
        String yaml =
                "gateways:\n"
                        + "  - id: "
                        + GATEWAY
                        + "\n"
                        + "    sensors: ["
                        + AgentReplay.SENSOR
                        + "]\n"
                        + "    subnets: [0.0.0.0/0, '::/0']\n"
                        + "    helpers: [ftp, irc]\n";
        byte[] secret = new byte[VerdictKeyring.MIN_SECRET_BYTES];
        Arrays.fill(secret, (byte) 7);
        return new VerdictPolicy(
                PolicyConfig.parse(yaml, "bench-policy.yaml"),
                VerdictKeyring.of(Map.of(GATEWAY, Map.of("bench", secret)), Map.of()),
                Clock.systemUTC());
    }

    private void watch(
            ConntrackInstances app,
            Map<String, Long> createdMicros,
            Map<String, Long> allowSeenNanos,
            Map<String, Long> committedSeenNanos,
            AtomicBoolean stop) {
        Map<String, Object> serde = Map.of("schema.registry.url", cluster.registryUrl());
        Deserializer<Verdict> verdicts =
                AvroSerdes.specific(Verdict.class, serde, false).deserializer();
        Deserializer<ExpectationEvent> expectations =
                AvroSerdes.specific(ExpectationEvent.class, serde, false).deserializer();
        String verdictTopic = app.config().topic(Topics.VERDICTS);
        String tentativeTopic = app.config().topic(Topics.VERDICTS_TENTATIVE);
        String expectationTopic = app.config().topic(Topics.EXPECTATIONS);
        Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("group.id", verdictTopic + "-watcher");
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(verdictTopic, tentativeTopic, expectationTopic));
            while (!stop.get()) {
                var records = c.poll(Duration.ofMillis(20));
                long seen = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.topic().equals(verdictTopic) || r.topic().equals(tentativeTopic)) {
                        Verdict v = verdicts.deserialize(r.topic(), r.value());
                        if (v.getAction() == VerdictAction.ALLOW
                                && v.getEvidence().getExpectationId() != null) {
                            allowSeenNanos.putIfAbsent(v.getEvidence().getExpectationId(), seen);
                            if (r.topic().equals(verdictTopic)) {
                                committedSeenNanos.putIfAbsent(
                                        v.getEvidence().getExpectationId(), seen);
                            }
                        }
                    } else {
                        ExpectationEvent e = expectations.deserialize(r.topic(), r.value());
                        if (e.getType() == ExpectationEventType.CREATED) {
                            createdMicros.put(e.getExpectationId(), e.getCreatedMicros());
                        }
                    }
                }
            }
        }
    }

    private static double[] latenciesMillis(
            Map<String, Long> createdMicros, Map<String, Long> allowSeenNanos) {
        List<Double> ms = new ArrayList<>();
        allowSeenNanos.forEach(
                (id, seen) -> {
                    Long created = createdMicros.get(id);
                    Long acked = created == null ? null : AckClock.ackedNanos(created);
                    if (acked != null) {
                        ms.add((seen - acked) / 1e6);
                    }
                });
        return ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Packets per second of capture time in the file. */
    private static double recordedRate(Path pcap) throws IOException {
        long first = -1;
        long last = -1;
        long n = 0;
        CapturedFrame f = new CapturedFrame();
        try (CaptureFileReader r = CaptureFiles.open(pcap)) {
            while (r.next(f)) {
                if (first < 0) {
                    first = f.timestampMicros();
                }
                last = f.timestampMicros();
                n++;
            }
        }
        return n / Math.max(1e-6, (last - first) / 1e6);
    }
}
