package io.ctstream.streams.storage;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of this JVM's streams-app instances together:
 * one LRU block cache that the memtables are charged to as well (a {@link WriteBufferManager} over
 * the same cache), index and filter blocks in the cache rather than beside it. Without it each
 * store (5 per tracker task, 3 per matcher task) keeps its own 16 MiB of memtables and its own
 * block cache, so memory grows with the partition count instead of with the traffic (Kafka Streams'
 * memory-management guide describes this setup).
 *
 * <p>Sizes come from the Streams configuration: {@value #TOTAL_BYTES_CONFIG} (default {@value
 * #DEFAULT_TOTAL_BYTES} bytes) and {@value #MEMTABLE_SHARE_CONFIG} (the share of it memtables may
 * use, default 0.5). The cache is created by the first store configured in the JVM and shared by
 * all; stores never close it.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    public static final String TOTAL_BYTES_CONFIG = "ctstream.rocksdb.total.bytes";
    public static final String MEMTABLE_SHARE_CONFIG = "ctstream.rocksdb.memtable.share";
    public static final long DEFAULT_TOTAL_BYTES = 128L << 20;

    /**
     * Memtable size of each store before it is flushed: small, as the write buffer manager bounds
     * the total.
     */
    private static final long WRITE_BUFFER_BYTES = 4L << 20;

    private static Cache cache;
    private static WriteBufferManager writeBuffers;
    private static long configuredTotal;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long total = longConfig(configs, TOTAL_BYTES_CONFIG, DEFAULT_TOTAL_BYTES);
        double share = doubleConfig(configs, MEMTABLE_SHARE_CONFIG, 0.5);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        synchronized (BoundedRocksDbMemory.class) {
            if (cache == null) {
                configuredTotal = total;
                cache = new LRUCache(total, -1, false, 0.1);
                writeBuffers = new WriteBufferManager((long) (total * share), cache);
            }
            table.setBlockCache(cache);
            options.setWriteBufferManager(writeBuffers);
        }
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferSize(WRITE_BUFFER_BYTES);
        options.setMaxWriteBufferNumber(2);
    }

    /**
     * The bound in force in this JVM (the first configuration's), or 0 before any store was
     * configured.
     */
    public static synchronized long totalBytes() {
        return configuredTotal;
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared by every store of the JVM: never closed
        // here
    }

    private static long longConfig(Map<String, Object> configs, String key, long dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        long l = v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
        if (l < (16L << 20)) {
            throw new IllegalArgumentException(key + " must be at least 16 MiB, got " + l);
        }
        return l;
    }

    private static double doubleConfig(Map<String, Object> configs, String key, double dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        double d =
                v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
        if (!(d > 0 && d < 1)) {
            throw new IllegalArgumentException(
                    key + " must be between 0 and 1 (exclusive), got " + d);
        }
        return d;
    }
}
