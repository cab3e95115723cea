package io.ctstream.bench.streams;

import io.ctstream.streams.storage.BoundedRocksDbMemory;
import org.apache.kafka.streams.StreamsConfig;

import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.conntrack.TrackedConnectionCodec;
import io.ctstream.streams.tracking.ConnectionTrackingProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the {@code connections} store holds per live connection: the SST files of its RocksDB
 * directories once the application is closed (closing flushes the memtables, so every live entry
 * is on disk), RocksDB's own memtable figure while running (Kafka Streams' property metric
 * {@code cur-size-all-mem-tables}, summed over tasks), and the serialized size of key
 * (FlowKeySerde) + value (TrackedConnectionCodec) of every entry.
 */
record StoreFootprint(long liveConnections, long codecBytes, double memtableBytes, long sstBytes, long memoryBoundBytes) {

    /** Counts the store through interactive queries, closes the instance, then sums the SST files. */
    static StoreFootprint measure(ConntrackInstances app) throws IOException {
        KafkaStreams streams = app.apps().get(0).streams();
        long live = 0;
        long codec = 0;
        FlowKeySerde keys = new FlowKeySerde();
        long[] counted = new long[2];
        app.apps().get(0).forEachLocalConnection((key, value) -> {
            counted[0]++;
            counted[1] += keys.serialize("", key).length + TrackedConnectionCodec.encode(value).length;
        });
        live = counted[0];
        codec = counted[1];
        double memtables = 0;
        for (var e : streams.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.group().equals("stream-state-metrics") && n.name().equals("cur-size-all-mem-tables")
                    && ConnectionTrackingProcessor.CONNECTIONS.equals(n.tags().get("rocksdb-state-id"))
                    && e.getValue().metricValue() instanceof Number v) {
                memtables += v.doubleValue();
            }
        }
        // The configured bound of this instance's state memory: RocksDB's shared block cache, which its memtables
        // are charged to (BoundedRocksDbMemory), plus the record caches in front of the stores.
        long bound = BoundedRocksDbMemory.totalBytes() + cacheMaxBytes(app);
        app.close();
        return new StoreFootprint(live, codec, memtables, sstBytes(app.stateRoot()), bound);
    }

    /** Bytes of the SST files under every {@code rocksdb/connections} directory of the state directory. */
    private static long sstBytes(Path stateDir) throws IOException {
        long sum = 0;
        String dir = "/rocksdb/" + ConnectionTrackingProcessor.CONNECTIONS + "/";
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f) && f.toString().contains(dir) && f.toString().endsWith(".sst")) {
                    sum += Files.size(f);
                }
            }
        }
        return sum;
    }

    /** The record cache bound the instance runs with: its properties' or Kafka's default (10 MiB). */
    private static long cacheMaxBytes(ConntrackInstances app) {
        Object v = app.apps().get(0).config().clientProperties().get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG);
        return v == null ? 10L << 20 : Long.parseLong(v.toString());
    }

    double sstPerConnection() {
        return per(sstBytes);
    }

    double memtablePerConnection() {
        return per(memtableBytes);
    }

    double memoryBoundPerConnection() {
        return per(memoryBoundBytes);
    }

    double codecPerConnection() {
        return per(codecBytes);
    }

    private double per(double bytes) {
        return liveConnections == 0 ? Double.NaN : bytes / liveConnections;
    }
}
