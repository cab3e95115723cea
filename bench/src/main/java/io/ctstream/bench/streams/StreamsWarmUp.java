package io.ctstream.bench.streams;

import io.ctstream.bench.support.AgentReplay;
import io.ctstream.bench.support.BenchCluster;
import io.ctstream.bench.support.CatchUp;
import io.ctstream.schemas.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs the conntrack topology once over a small replay before anything of it is measured, so the
 * first measured run does not pay for class loading and JIT compilation that later runs get free.
 */
public final class StreamsWarmUp {
    static final long PACKETS = 50_000;
    private static boolean done; // one warm-up per JVM: the JIT keeps what it compiled

    private StreamsWarmUp() {}

    /**
     * @param packets the measured input's size: the warm-up replays a quarter of it, at most {@link
     *     #PACKETS} (with a tenth, the first measured run was still three times slower than the
     *     later ones)
     */
    public static synchronized void ensure(BenchCluster cluster, int partitions, long packets)
            throws Exception {
        if (done) {
            return;
        }
        long warmUp = Math.max(1_000, Math.min(PACKETS, packets / 4));
        System.out.printf("warming up the topology (%,d packets) ...%n", warmUp);
        String prefix = BenchCluster.unique("warmup") + "-";
        String topic = cluster.createTopic(prefix + Topics.PACKETS, partitions);
        AgentReplay.run(cluster, cluster.capture(warmUp), topic);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
                ConntrackInstances app =
                        ConntrackInstances.start(cluster, prefix, partitions, 1, null)) {
            app.awaitCommitted(admin, CatchUp.endOffsets(admin, topic));
        }
        done = true;
    }
}
