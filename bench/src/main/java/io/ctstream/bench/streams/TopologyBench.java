package io.ctstream.bench.streams;

import io.ctstream.bench.report.BenchRow;
import io.ctstream.bench.report.BenchTable;
import io.ctstream.bench.support.AgentReplay;
import io.ctstream.bench.support.BenchCluster;
import io.ctstream.bench.support.CatchUp;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.storage.BoundedRocksDbMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Over one packets topic filled by the agent beforehand: the conntrack + helpers topology (one
 * streams-app instance, one thread, exactly-once v2), records/s, next to a bare Kafka Streams
 * topology that only counts records per key in RocksDB (same guarantee, thread count and commit
 * interval) and next to a plain consumer. Each rate runs from the moment the application is RUNNING
 * (the consumer: its first record) until it has committed (read) the whole topic. Then the
 * connections store's bytes per live connection.
 */
public final class TopologyBench {
    private static final String SECTION = "topology";

    private final BenchCluster cluster;
    private final int partitions;

    public TopologyBench(BenchCluster cluster, int partitions) {
        this.cluster = cluster;
        this.partitions = partitions;
    }

    /**
     * The conntrack topology's best rate in packets/s (a record carries a per-flow batch of
     * packets), for the later sections, which compare and pace in packets. Each of the {@code
     * rounds} runs the three over a fresh replay (the topology's feedback topics belong to one
     * application run) and the best round of each is reported, as in the capture section.
     */
    public double run(long packets, int rounds, BenchTable table) throws Exception {
        StreamsWarmUp.ensure(cluster, partitions, packets);
        Path pcap = cluster.capture(packets);
        double conntrack = 0;
        double count = 0;
        double consumer = 0;
        long total = 0;
        long replayed = 0;
        StoreFootprint footprint = null;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            for (int round = 1; round <= rounds; round++) {
                String prefix = BenchCluster.unique("topology") + "-";
                String topic = cluster.createTopic(prefix + Topics.PACKETS, partitions);
                replayed = AgentReplay.run(cluster, pcap, topic).published();
                Map<TopicPartition, Long> ends = CatchUp.endOffsets(admin, topic);
                total = CatchUp.total(ends);
                System.out.printf(
                        "topology round %d/%d: %,d records in %s%n", round, rounds, total, topic);
                try (ConntrackInstances app =
                        ConntrackInstances.start(cluster, prefix, partitions, 1, null)) {
                    long start = System.nanoTime();
                    app.awaitCommitted(admin, ends);
                    double rate = total / ((System.nanoTime() - start) / 1e9);
                    conntrack = Math.max(conntrack, rate);
                    System.out.printf(Locale.ROOT, "  conntrack + helpers: %.0f records/s%n", rate);
                    if (footprint == null) {
                        footprint = StoreFootprint.measure(app);
                    }
                }
                double c = countPerKey(cluster, admin, topic, ends);
                count = Math.max(count, c);
                System.out.printf(Locale.ROOT, "  count per key: %.0f records/s%n", c);
                double p = PlainConsumerRun.run(cluster.bootstrapServers(), topic, total);
                consumer = Math.max(consumer, p);
                System.out.printf(Locale.ROOT, "  plain consumer: %.0f records/s%n", p);
            }
        }
        double packetsPerRecord = total == 0 ? 1 : (double) replayed / total;
        String note =
                String.format(
                        Locale.ROOT,
                        "%,d records (%,d packets: %.0f packets/s), %d partitions, 1 instance x 1 thread, "
                                + "EOS v2, best of %d rounds",
                        total,
                        replayed,
                        conntrack * packetsPerRecord,
                        partitions,
                        rounds);
        table.add(
                BenchRow.versus(
                        SECTION,
                        "conntrack + helpers records/s",
                        conntrack,
                        "rec/s",
                        "count-per-key topology (RocksDB)",
                        count,
                        note));
        table.add(
                BenchRow.versus(
                        SECTION,
                        "conntrack + helpers records/s",
                        conntrack,
                        "rec/s",
                        "plain consumer",
                        consumer,
                        "read_committed, bytes"));
        table.add(
                BenchRow.versus(
                        "state store",
                        "connections store SST bytes per live connection",
                        footprint.sstPerConnection(),
                        "B",
                        "serialized key + value (codecs)",
                        footprint.codecPerConnection(),
                        String.format(
                                Locale.ROOT,
                                "%,d live connections; SST files after close (memtables flushed)",
                                footprint.liveConnections())));
        // no ratio: memtable memory is mostly arena blocks allocated per task, whatever the entries
        table.add(
                BenchRow.plain(
                        "state store",
                        "connections memtables per live connection (running)",
                        footprint.memtablePerConnection(),
                        "B",
                        "RocksDB cur-size-all-mem-tables before close, all tasks"));
        table.add(
                BenchRow.plain(
                        "state store",
                        "configured state memory bound per live connection",
                        footprint.memoryBoundPerConnection(),
                        "B",
                        String.format(
                                Locale.ROOT,
                                "RocksDB block cache incl. memtables (%d MiB, ctstream.rocksdb.total.bytes) + record caches "
                                        + "(statestore.cache.max.bytes), over the live connections",
                                BoundedRocksDbMemory.totalBytes() >> 20)));
        return conntrack * packetsPerRecord;
    }

    /**
     * The count-per-key baseline over {@code topic} (records/s from RUNNING until it committed
     * {@code ends}); also the end-to-end section's baseline for the SYN flood.
     */
    public static double countPerKey(
            BenchCluster cluster, Admin admin, String topic, Map<TopicPartition, Long> ends)
            throws Exception {
        Properties p = new Properties();
        String appId = topic + "-count";
        Path state = Files.createTempDirectory(cluster.workDir(), "count-state");
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        try (KafkaStreams streams = new KafkaStreams(CountPerKeyTopology.build(topic), p)) {
            streams.start();
            long deadline = System.nanoTime() + ConntrackInstances.TIMEOUT.toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("count-per-key topology: " + streams.state());
                }
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            CatchUp.await(admin, appId, ends, ConntrackInstances.TIMEOUT);
            return CatchUp.total(ends) / ((System.nanoTime() - start) / 1e9);
        }
    }
}
