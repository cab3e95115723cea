package io.ctstream.streams.limits;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store with an exact entry count, for the table caps ({@code approximateNumEntries} of
 * RocksDB is an estimate). The count is taken by one scan when the processor is initialised, which
 * Kafka Streams does after restoring the store, and again after a task is revived; from then on
 * every put and delete keeps it.
 */
public final class CountedStore<K, V> {
    private final KeyValueStore<K, V> store;
    private long size;

    public CountedStore(KeyValueStore<K, V> store) {
        this.store = store;
        try (KeyValueIterator<K, V> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                size++;
            }
        }
    }

    public V get(K key) {
        return store.get(key);
    }

    public void put(K key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        if (store.get(key) == null) {
            size++;
        }
        store.put(key, value);
    }

    /**
     * {@link #put(Object, Object)} for a caller that knows whether the key is stored: saves the
     * read that counting would otherwise take.
     */
    public void put(K key, V value, boolean stored) {
        if (value == null) {
            delete(key);
            return;
        }
        if (!stored) {
            size++;
        }
        store.put(key, value);
    }

    public V delete(K key) {
        V old = store.delete(key);
        if (old != null) {
            size--;
        }
        return old;
    }

    public long size() {
        return size;
    }

    /** The store itself, for scans. Writes must go through this class. */
    public KeyValueStore<K, V> store() {
        return store;
    }
}
