package io.ctstream.bench.pipeline;

import io.ctstream.bench.report.BenchRow;
import io.ctstream.bench.report.BenchTable;
import io.ctstream.bench.streams.ConntrackInstances;
import io.ctstream.bench.streams.StreamsWarmUp;
import io.ctstream.bench.support.AgentReplay;
import io.ctstream.bench.support.BenchCluster;
import io.ctstream.bench.support.CatchUp;
import io.ctstream.capture.agent.CaptureTotals;
import io.ctstream.schemas.Topics;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * End to end: a running streams-app instance, then the agent replays a pcap as fast as it can;
 * packets/s from the start of the replay until the application has committed every packet (every
 * packet is in the connection store). Compared with the topology alone over a pre-filled topic:
 * near 1 means the agent keeps ahead of the topology while both share the machine.
 */
public final class EndToEndBench {
    private final BenchCluster cluster;
    private final int partitions;

    public EndToEndBench(BenchCluster cluster, int partitions) {
        this.cluster = cluster;
        this.partitions = partitions;
    }

    public void run(long packets, double topologyRate, BenchTable table) throws Exception {
        StreamsWarmUp.ensure(cluster, partitions, packets);
        String prefix = BenchCluster.unique("e2e") + "-";
        cluster.createTopic(prefix + Topics.PACKETS, partitions);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
             ConntrackInstances app = ConntrackInstances.start(cluster, prefix, partitions, 1, null)) {
            long start = System.nanoTime();
            CaptureTotals totals = AgentReplay.run(cluster, cluster.capture(packets), app.packetsTopic());
            app.awaitCommitted(admin, CatchUp.endOffsets(admin, app.packetsTopic()));
            double rate = totals.captured() / ((System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "end to end: %.0f packets/s%n", rate);
            table.add(BenchRow.versus("end to end", "pcap -> connection store packets/s", rate, "pkt/s",
                    "topology alone (pre-filled topic)", topologyRate,
                    String.format(Locale.ROOT, "%,d packets, agent + 1 instance concurrently", totals.captured())));
        }
    }
}
