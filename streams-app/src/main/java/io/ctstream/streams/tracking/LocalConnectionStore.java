package io.ctstream.streams.tracking;

import io.ctstream.avro.Connection;
import io.ctstream.avro.FlowKey;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.conntrack.TrackedConnectionCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * What one instance's tracker keeps in its {@code connections} stores (the partitions it owns),
 * read through interactive queries and the store's RocksDB metrics, so that {@code analyze}, the
 * bench and tests need not know the store's name, its value type or its codec.
 */
public final class LocalConnectionStore {
    private LocalConnectionStore() {}

    /**
     * The store's size: its entries, the bytes of their serialized keys and values, and RocksDB's
     * memtables ({@code cur-size-all-mem-tables}, summed over tasks).
     */
    public record Size(long connections, long encodedBytes, double memtableBytes) {}

    /** Every live connection in the local stores. */
    public static List<Connection> live(KafkaStreams streams) {
        List<Connection> out = new ArrayList<>();
        try (KeyValueIterator<FlowKey, TrackedConnection> it = store(streams)) {
            it.forEachRemaining(kv -> out.add(kv.value.connection()));
        }
        return out;
    }

    public static Size size(KafkaStreams streams) {
        FlowKeySerde keys = new FlowKeySerde();
        long n = 0;
        long bytes = 0;
        try (KeyValueIterator<FlowKey, TrackedConnection> it = store(streams)) {
            while (it.hasNext()) {
                var kv = it.next();
                n++;
                bytes +=
                        keys.serialize("", kv.key).length
                                + TrackedConnectionCodec.encode(kv.value).length;
            }
        }
        double memtables = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName m = e.getKey();
            if (m.group().equals("stream-state-metrics")
                    && m.name().equals("cur-size-all-mem-tables")
                    && ConnectionTrackingProcessor.CONNECTIONS.equals(
                            m.tags().get("rocksdb-state-id"))
                    && e.getValue().metricValue() instanceof Number v) {
                memtables += v.doubleValue();
            }
        }
        return new Size(n, bytes, memtables);
    }

    /**
     * Bytes of the SST files of the store under a state directory: meant for a closed instance
     * (closing flushes the memtables, so every live entry is on disk then).
     */
    public static long sstBytes(Path stateDir) {
        String dir = "/rocksdb/" + ConnectionTrackingProcessor.CONNECTIONS + "/";
        long sum = 0;
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)
                        && f.toString().contains(dir)
                        && f.toString().endsWith(".sst")) {
                    sum += Files.size(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sum;
    }

    private static KeyValueIterator<FlowKey, TrackedConnection> store(KafkaStreams streams) {
        return streams.store(
                        StoreQueryParameters.fromNameAndType(
                                ConnectionTrackingProcessor.CONNECTIONS,
                                QueryableStoreTypes.<FlowKey, TrackedConnection>keyValueStore()))
                .all();
    }
}
