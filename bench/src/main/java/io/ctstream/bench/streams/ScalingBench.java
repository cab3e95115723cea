package io.ctstream.bench.streams;

import io.ctstream.bench.report.BenchRow;
import io.ctstream.bench.report.BenchTable;
import io.ctstream.bench.support.AgentReplay;
import io.ctstream.bench.support.BenchCluster;
import io.ctstream.bench.support.CatchUp;
import io.ctstream.schemas.Topics;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * The conntrack topology with one instance, then with two instances of the same application (one
 * stream thread each, own state directories), each over its own copy of the same replay (the
 * topology's feedback topics belong to one application run). Both instances share this JVM and
 * machine: on a machine with few cores the ratio shows contention as much as scaling.
 */
public final class ScalingBench {
    private final BenchCluster cluster;
    private final int partitions;

    public ScalingBench(BenchCluster cluster, int partitions) {
        this.cluster = cluster;
        this.partitions = partitions;
    }

    public void run(long packets, BenchTable table) throws Exception {
        StreamsWarmUp.ensure(cluster, partitions, packets);
        double one = rate(packets, 1);
        double two = rate(packets, 2);
        table.add(
                BenchRow.versus(
                        "scaling",
                        "2 streams-app instances records/s",
                        two,
                        "rec/s",
                        "1 instance",
                        one,
                        String.format(
                                Locale.ROOT,
                                "%d partitions, 1 thread per instance, same JVM, %d cores",
                                partitions,
                                Runtime.getRuntime().availableProcessors())));
    }

    private double rate(long packets, int instances) throws Exception {
        String prefix = BenchCluster.unique("scale" + instances) + "-";
        String topic = cluster.createTopic(prefix + Topics.PACKETS, partitions);
        AgentReplay.run(cluster, cluster.capture(packets), topic);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            Map<TopicPartition, Long> ends = CatchUp.endOffsets(admin, topic);
            try (ConntrackInstances app =
                    ConntrackInstances.start(cluster, prefix, partitions, instances, null)) {
                long start = System.nanoTime();
                app.awaitCommitted(admin, ends);
                double rate = CatchUp.total(ends) / ((System.nanoTime() - start) / 1e9);
                System.out.printf(
                        Locale.ROOT, "scaling: %d instance(s): %.0f records/s%n", instances, rate);
                return rate;
            }
        }
    }
}
