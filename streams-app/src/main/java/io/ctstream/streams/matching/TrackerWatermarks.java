package io.ctstream.streams.matching;

import io.ctstream.avro.internal.TrackerProgress;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How far every tracker task has got, as one matcher task has heard it, and the <em>safe time</em>
 * derived from it: the event time that every tracker has passed, less the allowed lateness. Records
 * of one tracker reach a match partition in the order that tracker wrote them, so once it reports
 * progress {@code W} every record it will still send is stamped after {@code W - lateness} (the
 * lateness covers packets of another sensor that reach the tracker's partition later than their
 * timestamps say, and timeouts its stream-time punctuator emits after the packet that passed them).
 * The matcher decides nothing before the safe time passes it; Kafka Streams' own stream time, the
 * largest timestamp seen on this partition, would let one fast partition decide for a slow one.
 *
 * <p>A tracker that reports itself idle (no packets for a while, wall clock) is not waited for
 * until it reports progress again; a stream-time tick (end of a finite input) moves the safe time
 * for every source at once. The safe time never moves back. Kept in a store, so a restarted task
 * resumes where it was.
 */
final class TrackerWatermarks {
    private static final String SAFE = "safe";
    private static final String SOURCES = "sources";
    private static final String SOURCE = "source-";

    private final KeyValueStore<String, byte[]> store;
    private final long latenessMicros;
    private long safeMicros;
    private int sources;

    TrackerWatermarks(KeyValueStore<String, byte[]> store, long latenessMicros) {
        this.store = store;
        this.latenessMicros = latenessMicros;
        byte[] safe = store.get(SAFE);
        this.safeMicros = safe == null ? Long.MIN_VALUE : ByteBuffer.wrap(safe).getLong();
        byte[] n = store.get(SOURCES);
        this.sources = n == null ? 0 : ByteBuffer.wrap(n).getInt();
    }

    /**
     * Every tracker has passed this event time (less the lateness); Long.MIN_VALUE until they all
     * reported.
     */
    long safeMicros() {
        return safeMicros;
    }

    /** Records a tracker's progress; returns the safe time afterwards. */
    long onProgress(TrackerProgress p) {
        if (p.getSource() < 0) {
            return safeMicros;
        }
        if (p.getSources() > sources) {
            sources = p.getSources();
            store.put(SOURCES, ByteBuffer.allocate(Integer.BYTES).putInt(sources).array());
        }
        String key = SOURCE + p.getSource();
        byte[] old = store.get(key);
        long watermark = p.getEventTimeMicros();
        if (old != null) {
            watermark = Math.max(watermark, ByteBuffer.wrap(old).getLong());
        }
        byte[] value =
                ByteBuffer.allocate(Long.BYTES + 1)
                        .putLong(watermark)
                        .put((byte) (p.getIdle() ? 1 : 0))
                        .array();
        store.put(key, value);
        return recompute();
    }

    /** End of a finite input: every source has passed {@code tickMicros}. */
    long onTick(long tickMicros) {
        return raise(tickMicros);
    }

    private long recompute() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int heard = 0;
        boolean anyActive = false;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                if (!kv.key.startsWith(SOURCE)) {
                    continue;
                }
                int source = Integer.parseInt(kv.key.substring(SOURCE.length()));
                if (sources > 0 && source >= sources) {
                    continue; // the packets topic had more partitions once
                }
                heard++;
                ByteBuffer b = ByteBuffer.wrap(kv.value);
                long w = b.getLong();
                boolean idle = b.get() == 1;
                max = Math.max(max, w);
                if (!idle) {
                    anyActive = true;
                    min = Math.min(min, w);
                }
            }
        }
        if (heard == 0 || (sources > 0 && heard < sources)) {
            return safeMicros; // a tracker has not reported yet: nothing is safe beyond what
            // already was
        }
        long passed = anyActive ? min : max;
        if (passed < 0) {
            return safeMicros;
        }
        return raise(passed - latenessMicros);
    }

    private long raise(long to) {
        if (to > safeMicros) {
            safeMicros = to;
            store.put(SAFE, ByteBuffer.allocate(Long.BYTES).putLong(safeMicros).array());
        }
        return safeMicros;
    }
}
