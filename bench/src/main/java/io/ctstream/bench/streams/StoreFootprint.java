package io.ctstream.bench.streams;

import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.storage.BoundedRocksDbMemory;
import io.ctstream.streams.tracking.LocalConnectionStore;
import java.io.IOException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the {@code connections} store holds per live connection: the SST files of its RocksDB
 * directories once the application is closed (closing flushes the memtables, so every live entry is
 * on disk), RocksDB's own memtable figure while running (Kafka Streams' property metric {@code
 * cur-size-all-mem-tables}, summed over tasks), and the serialized size of key (FlowKeySerde) +
 * value (TrackedConnectionCodec) of every entry.
 */
record StoreFootprint(
        long liveConnections,
        long codecBytes,
        double memtableBytes,
        long sstBytes,
        long memoryBoundBytes) {

    /**
     * Sizes the store through its instance (interactive queries, metrics), closes it, then sums the
     * SST files.
     */
    static StoreFootprint measure(ConntrackInstances app) throws IOException {
        LocalConnectionStore.Size size = app.apps().get(0).connectionStoreSize();
        // The configured bound of this instance's state memory: RocksDB's shared block cache, which
        // its memtables
        // are charged to (BoundedRocksDbMemory), plus the record caches in front of the stores.
        long bound = BoundedRocksDbMemory.totalBytes() + cacheMaxBytes(app);
        app.close();
        return new StoreFootprint(
                size.connections(),
                size.encodedBytes(),
                size.memtableBytes(),
                StreamsApp.connectionStoreSstBytes(app.stateRoot()),
                bound);
    }

    /**
     * The record cache bound the instance runs with: its properties' or Kafka's default (10 MiB).
     */
    private static long cacheMaxBytes(ConntrackInstances app) {
        Object v =
                app.apps()
                        .get(0)
                        .config()
                        .clientProperties()
                        .get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG);
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
