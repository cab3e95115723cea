package io.ctstream.bench.pipeline;

import io.ctstream.bench.report.BenchRow;
import io.ctstream.bench.report.BenchTable;
import io.ctstream.bench.streams.ConntrackInstances;
import io.ctstream.bench.streams.StreamsWarmUp;
import io.ctstream.bench.streams.TopologyBench;
import io.ctstream.bench.support.AgentReplay;
import io.ctstream.bench.support.BenchCluster;
import io.ctstream.bench.support.CatchUp;
import io.ctstream.capture.agent.CaptureTotals;
import io.ctstream.capture.synth.SynthMix;
import io.ctstream.schemas.Topics;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * End to end: a running streams-app instance, then the agent replays a pcap as fast as it can;
 * packets/s from the start of the replay until the application has committed every packet (every
 * packet is in the connection store). Compared with the topology alone over a pre-filled topic:
 * near 1 means the agent keeps ahead of the topology while both share the machine. Then the same
 * over a SYN flood ({@code ctstream synth --mix syn-flood}: one packet per flow, so the agent's
 * per-flow batching cannot help), compared with the count-per-key topology over the same topic
 * afterwards.
 */
public final class EndToEndBench {
    private final BenchCluster cluster;
    private final int partitions;

    static final long SYN_FLOOD_PACKETS = 100_000;

    public EndToEndBench(BenchCluster cluster, int partitions) {
        this.cluster = cluster;
        this.partitions = partitions;
    }

    public void run(long packets, double topologyRate, BenchTable table) throws Exception {
        StreamsWarmUp.ensure(cluster, partitions, packets);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            Run heavyTailed = replay(admin, packets, SynthMix.DEFAULT);
            table.add(
                    BenchRow.versus(
                            "end to end",
                            "pcap -> connection store packets/s",
                            heavyTailed.rate,
                            "pkt/s",
                            "topology alone (pre-filled topic), packets/s",
                            topologyRate,
                            String.format(
                                    Locale.ROOT,
                                    "%,d packets (%.1f per record), agent + 1 instance concurrently",
                                    heavyTailed.totals.captured(),
                                    heavyTailed.totals.packetsPerRecord())));
            // Two stream threads: each parks in its exactly-once commit for a third of its time
            // (bench/README.md), and
            // with two the commits of one overlap the other's processing. The topology ratio stays
            // one thread's.
            Run twoThreads = replay(admin, packets, SynthMix.DEFAULT, 2);
            table.add(
                    BenchRow.versus(
                            "end to end",
                            "pcap -> connection store packets/s, 2 stream threads",
                            twoThreads.rate,
                            "pkt/s",
                            "1 stream thread (row above)",
                            heavyTailed.rate,
                            String.format(
                                    Locale.ROOT,
                                    "%,d packets, agent + 1 instance of 2 threads concurrently",
                                    twoThreads.totals.captured())));
            // At most 100,000 SYNs: one record per packet, and all to one destination (the
            // matcher's hottest slot),
            // so a flood as long as the default input ran past the catch-up timeout on a busy
            // machine.
            Run flood = replay(admin, Math.min(packets, SYN_FLOOD_PACKETS), SynthMix.SYN_FLOOD);
            double count =
                    TopologyBench.countPerKey(
                            cluster, admin, flood.topic, CatchUp.endOffsets(admin, flood.topic));
            System.out.printf(
                    Locale.ROOT, "  count per key over the SYN flood: %.0f records/s%n", count);
            table.add(
                    BenchRow.versus(
                            "end to end",
                            "SYN flood: pcap -> connection store packets/s",
                            flood.rate,
                            "pkt/s",
                            "count-per-key topology (same topic)",
                            count,
                            String.format(
                                    Locale.ROOT,
                                    "%,d packets, one per flow (%.2f per record): batching cannot help",
                                    flood.totals.captured(),
                                    flood.totals.packetsPerRecord())));
        }
    }

    private record Run(String topic, CaptureTotals totals, double rate) {}

    private Run replay(Admin admin, long packets, SynthMix mix) throws Exception {
        return replay(admin, packets, mix, 1);
    }

    private Run replay(Admin admin, long packets, SynthMix mix, int threads) throws Exception {
        String prefix = BenchCluster.unique("e2e-" + mix.cliName()) + "-";
        cluster.createTopic(prefix + Topics.PACKETS, partitions);
        try (ConntrackInstances app =
                ConntrackInstances.start(cluster, prefix, partitions, 1, threads, null)) {
            long start = System.nanoTime();
            CaptureTotals totals =
                    AgentReplay.run(cluster, cluster.capture(packets, mix), app.packetsTopic());
            app.awaitCommitted(admin, CatchUp.endOffsets(admin, app.packetsTopic()));
            double rate = totals.captured() / ((System.nanoTime() - start) / 1e9);
            System.out.printf(
                    Locale.ROOT,
                    "end to end, %s mix, %d stream thread(s): %.0f packets/s (%s)%n",
                    mix.cliName(),
                    threads,
                    rate,
                    totals.describe());
            return new Run(app.packetsTopic(), totals, rate);
        }
    }
}
