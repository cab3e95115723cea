package io.ctstream.bench.capture;

import io.ctstream.bench.report.BenchRow;
import io.ctstream.bench.report.BenchTable;
import io.ctstream.bench.support.AgentReplay;
import io.ctstream.bench.support.BenchCluster;
import io.ctstream.bench.support.CpuClock;
import io.ctstream.capture.agent.CaptureTotals;
import io.ctstream.capture.publish.PacketProducers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;

/**
 * Capture-agent replay (synthetic pcap → decode → record → Avro → idempotent producer → broker),
 * records/s, next to two baselines with the agent's own producer settings ({@link
 * PacketProducers#properties}: acks=all, idempotence, lz4, linger 10 ms, 512 KiB batches):
 *
 * <ul>
 *   <li>Kafka's ProducerPerformance for the same number of records of the same average key+value
 *       size. It sends no keys (the sticky partitioner fills one batch at a time) and random,
 *       incompressible payloads: the tool as it is, the baseline.
 *   <li>A bare producer re-sending the agent's own records ({@link RecordedRecords}): the same
 *       keys, partitions, sizes and compressibility — Kafka's cost for exactly this workload, so
 *       the ratio is the agent's own overhead.
 * </ul>
 *
 * After an untimed warm-up of broker, producer and agent (JIT), the three run in turn, {@code
 * rounds} times, and the best round of each is reported: on a shared machine the least disturbed
 * run is the closest to what the code can do, and interleaving exposes all three to the same noise.
 * Every round's numbers are printed too.
 */
public final class CaptureReplayBench {
    private static final String SECTION = "capture replay";
    private static final long WARMUP_PACKETS = 200_000;

    private final BenchCluster cluster;
    private final int partitions;
    private final int rounds;

    public CaptureReplayBench(BenchCluster cluster, int partitions, int rounds) {
        this.cluster = cluster;
        this.partitions = partitions;
        this.rounds = rounds;
    }

    public void run(long packets, BenchTable table) throws Exception {
        Path pcap = cluster.capture(packets);
        Properties producer =
                PacketProducers.properties(cluster.clientProperties(), "bench-baseline");
        producer.remove("schema.registry.url");
        producer.remove("client.id");
        System.out.println("warming up the broker ...");
        ProducerPerformanceRun.run(
                cluster.createTopic(BenchCluster.unique("warmup"), partitions),
                Math.min(300_000, packets),
                100,
                producer);
        System.out.println("warming up the agent ...");
        AgentReplay.run(
                cluster,
                cluster.capture(Math.min(WARMUP_PACKETS, packets / 5)),
                cluster.createTopic(BenchCluster.unique("warmup-agent"), partitions));

        double[] agent = new double[rounds];
        double[] agentCpu = new double[rounds];
        double[] agentPackets = new double[rounds];
        double packetsPerRecord = 1;
        double[] perf = new double[rounds];
        double[] perfCpu = new double[rounds];
        double[] replay = new double[rounds];
        double[] replayCpu = new double[rounds];
        RecordedRecords recorded = null;
        int avgSize = 0;
        long published = 0;
        for (int round = 0; round < rounds; round++) {
            String agentTopic = cluster.createTopic(BenchCluster.unique("agent"), partitions);
            System.out.printf(
                    "round %d/%d: capture-agent replay of %,d packets ...%n",
                    round + 1, rounds, packets);
            CpuClock clock = CpuClock.start();
            CaptureTotals totals = AgentReplay.run(cluster, pcap, agentTopic);
            // records, not packets: the baselines send the same number of records (a record may
            // carry a batch)
            agent[round] = totals.recordRate();
            agentPackets[round] = totals.publishRate();
            agentCpu[round] = clock.cpuMicrosPer(totals.records());
            System.out.println("  " + totals.describe());
            if (recorded == null) {
                published = totals.records();
                packetsPerRecord = totals.packetsPerRecord();
                recorded = RecordedRecords.read(cluster.bootstrapServers(), agentTopic, published);
                avgSize =
                        (int) Math.round(recorded.averageKeyBytes() + recorded.averageValueBytes());
                System.out.printf(
                        Locale.ROOT,
                        "  records: avg key %.1f + value %.1f bytes%n",
                        recorded.averageKeyBytes(),
                        recorded.averageValueBytes());
            }
            System.out.printf(
                    "round %d/%d: ProducerPerformance, %,d records of %d bytes ...%n",
                    round + 1, rounds, published, avgSize);
            clock = CpuClock.start();
            perf[round] =
                    ProducerPerformanceRun.run(
                            cluster.createTopic(BenchCluster.unique("perf"), partitions),
                            published,
                            avgSize,
                            producer);
            perfCpu[round] = clock.cpuMicrosPer(published);
            System.out.printf(
                    "round %d/%d: bare producer re-sending the agent's records ...%n",
                    round + 1, rounds);
            clock = CpuClock.start();
            replay[round] =
                    recorded.send(
                            cluster.createTopic(BenchCluster.unique("resend"), partitions),
                            producer);
            replayCpu[round] = clock.cpuMicrosPer(published);
            System.out.printf(
                    Locale.ROOT,
                    "  agent %.0f/s (%.2f µs CPU), ProducerPerformance %.0f/s (%.2f µs), re-send %.0f/s (%.2f µs)%n",
                    agent[round],
                    agentCpu[round],
                    perf[round],
                    perfCpu[round],
                    replay[round],
                    replayCpu[round]);
        }
        String note =
                String.format(
                        Locale.ROOT,
                        "%,d packets in %,d records, %d partitions, best of %d rounds, avg record %d B",
                        packets,
                        published,
                        partitions,
                        rounds,
                        avgSize);
        table.add(
                BenchRow.plain(
                        SECTION,
                        "agent packets/s",
                        max(agentPackets),
                        "pkt/s",
                        String.format(
                                Locale.ROOT,
                                "%.2f packets per record (per-flow batching, defaults)",
                                packetsPerRecord)));
        table.add(
                BenchRow.versus(
                        SECTION,
                        "agent records/s",
                        max(agent),
                        "rec/s",
                        "ProducerPerformance (keyless, random bytes)",
                        max(perf),
                        note));
        table.add(
                BenchRow.versus(
                        SECTION,
                        "agent records/s",
                        max(agent),
                        "rec/s",
                        "bare producer, agent's own records",
                        max(replay),
                        "same keys, partitions, bytes"));
        table.add(
                BenchRow.versus(
                        SECTION,
                        "bench JVM CPU per record (lower is better)",
                        min(agentCpu),
                        "µs",
                        "bare producer, agent's own records",
                        min(replayCpu),
                        String.format(
                                Locale.ROOT,
                                "ProducerPerformance %.2f µs; the broker's CPU is not counted",
                                min(perfCpu))));
    }

    private static double max(double[] xs) {
        return Arrays.stream(xs).max().orElse(Double.NaN);
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(Double.NaN);
    }
}
