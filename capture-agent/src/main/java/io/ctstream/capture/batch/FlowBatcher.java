package io.ctstream.capture.batch;

import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.encode.PacketBatch;
import io.ctstream.capture.encode.PacketRecordEncoder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Groups the consecutive packets of one flow (same canonical flow key; one batcher per capture
 * thread, so one sensor) into one record: the first packet in the record's own fields, the later
 * ones in {@code following}, in capture order. Packets of many flows interleave in a capture, so a
 * batch stays open per flow, in a {@link LinkedHashMap} in order of batch start: the eldest is
 * checked in O(1).
 *
 * <p>A batch is published when it holds {@link BatchOptions#packets()} packets ({@link
 * FlushReason#SIZE}); when one more packet would take it past {@link #MAX_RECORD_BYTES} ({@link
 * FlushReason#BYTES}); when its first packet is {@link BatchOptions#micros()} older than the packet
 * being added, in capture time, or (live) older than that on the wall clock by {@link #flushIdle}
 * ({@link FlushReason#AGE}); before a packet of the flow that carries helper payload, which then
 * goes at once as a record of its own ({@link FlushReason#HELPER_PAYLOAD}: helpers read it to
 * create expectations, which batching must never delay, and alone it keeps its own capture time as
 * the record timestamp); when there are too many open batches or bytes in them, eldest first
 * ({@link FlushReason#OPEN_BOUND}); and at the end ({@link #flushAll}, {@link
 * FlushReason#SHUTDOWN}).
 *
 * <p>Memory is bounded: at most {@link BatchOptions#maxOpen()} open batches and {@link
 * BatchOptions#maxOpenBytes()} encoded bytes in them, each batch at most {@link #MAX_RECORD_BYTES}.
 * Thread-safe (the capture thread adds, a timer thread may flush idle batches); with batching off
 * ({@code packets == 1}) every packet is encoded and handed over at once, exactly as before
 * batching.
 */
public final class FlowBatcher {
    /**
     * Cap on one record's value: far below the producer's 512 KiB batches and the broker's 1 MiB
     * message limit, so a batch never travels alone or gets refused; at 32 header-only packets
     * (~60-100 bytes each) it is never reached, only with a large {@code --batch-packets} or very
     * long sensor or interface names.
     */
    public static final int MAX_RECORD_BYTES = 64 * 1024;

    /** Spare batches kept for reuse, and the largest buffer worth keeping. */
    private static final int SPARES = 256;

    private static final int SPARE_MAX_CAPACITY = 8 * 1024;
    private static final int INITIAL_CAPACITY = 512;

    private final BatchOptions options;
    private final PacketRecordEncoder encoder;
    private final RecordSink sink;
    private final Listener listener;
    private final boolean wallClock;
    private final LinkedHashMap<ByteBuffer, PacketBatch> open = new LinkedHashMap<>();
    private final ArrayDeque<PacketBatch> spares = new ArrayDeque<>();
    private long openBytes;

    /** Told about every flushed batch (metrics). */
    public interface Listener {
        void flushed(FlushReason reason, int packets);

        Listener NONE = (reason, packets) -> {};
    }

    /**
     * @param wallClock note the wall-clock time at which each batch opens, for {@link #flushIdle}
     *     (live capture and paced replay; a replay as fast as possible has only capture time)
     */
    public FlowBatcher(
            BatchOptions options,
            PacketRecordEncoder encoder,
            RecordSink sink,
            Listener listener,
            boolean wallClock) {
        this.options = options;
        this.encoder = encoder;
        this.sink = sink;
        this.listener = listener == null ? Listener.NONE : listener;
        this.wallClock = wallClock;
    }

    /**
     * Adds one decoded packet (its frame is only valid during the call).
     *
     * @param key the packet's canonical flow key bytes (the record key)
     * @param keep payload bytes the edge policy keeps: more than 0 (and captured) means helper
     *     payload
     * @throws RuntimeException when the packet cannot be encoded; nothing of it was kept, open
     *     batches are intact
     */
    public synchronized void add(
            DecodedPacket p, byte[] key, long timestampMicros, String interfaceName, int keep) {
        if (!options.enabled()) {
            sink.submit(
                    key,
                    encoder.encode(p, timestampMicros, interfaceName, keep),
                    millis(timestampMicros),
                    1);
            return;
        }
        flushOlderThan(timestampMicros);
        ByteBuffer flow = ByteBuffer.wrap(key);
        PacketBatch batch = open.get(flow);
        if (Math.min(keep, p.payloadCaptured()) > 0) {
            if (batch != null) {
                flush(batch, FlushReason.HELPER_PAYLOAD);
            }
            byte[] value = encoder.encode(p, timestampMicros, interfaceName, keep);
            sink.submit(key, value, millis(timestampMicros), 1);
            listener.flushed(FlushReason.HELPER_PAYLOAD, 1);
            return;
        }
        if (batch != null && batch.length() + encoder.itemBound(interfaceName) > MAX_RECORD_BYTES) {
            flush(batch, FlushReason.BYTES);
            batch = null;
        }
        if (batch == null) {
            batch = spares.isEmpty() ? new PacketBatch(INITIAL_CAPACITY) : spares.pop();
            encoder.start(batch, key, p, timestampMicros, interfaceName, 0);
            if (wallClock) {
                batch.openedNanos(System.nanoTime());
            }
            open.put(batch.flowId(), batch);
            openBytes += batch.length();
        } else {
            int before = batch.length();
            encoder.append(batch, p, timestampMicros, interfaceName, 0);
            openBytes += batch.length() - before;
        }
        if (batch.packets() >= options.packets()) {
            flush(batch, FlushReason.SIZE);
        }
        while (open.size() > options.maxOpen() || openBytes > options.maxOpenBytes()) {
            flush(eldest(), FlushReason.OPEN_BOUND);
        }
    }

    /**
     * Publishes the batches whose first packet is at least the batch age older than {@code
     * nowMicros}, eldest first; also those that far in the future of it: capture time jumped back
     * (the next file of a replay, a clock step), and a batch must not gather packets across the
     * jump.
     */
    private void flushOlderThan(long nowMicros) {
        PacketBatch e;
        while ((e = eldest()) != null
                && Math.abs(nowMicros - e.firstMicros()) >= options.micros()) {
            flush(e, FlushReason.AGE);
        }
    }

    /**
     * Live capture's idle flush, from a timer: publishes the batches opened at least the batch age
     * minus {@code slackNanos} ago on the wall clock (the timer's period, so none waits longer than
     * the age), as a quiet flow would otherwise wait for the next packet of any flow. Needs {@code
     * wallClock}.
     */
    public synchronized void flushIdle(long nowNanos, long slackNanos) {
        long age = options.micros() * 1000L - slackNanos;
        PacketBatch e;
        while ((e = eldest()) != null && nowNanos - e.openedNanos() >= age) {
            flush(e, FlushReason.AGE);
        }
    }

    /** Publishes every open batch, eldest first (end of replay, stop). */
    public synchronized void flushAll() {
        PacketBatch e;
        while ((e = eldest()) != null) {
            flush(e, FlushReason.SHUTDOWN);
        }
    }

    public synchronized int openBatches() {
        return open.size();
    }

    public synchronized long openBytes() {
        return openBytes;
    }

    private PacketBatch eldest() {
        Iterator<PacketBatch> it = open.values().iterator();
        return it.hasNext() ? it.next() : null;
    }

    private void flush(PacketBatch batch, FlushReason reason) {
        open.remove(batch.flowId());
        openBytes -= batch.length();
        int packets = batch.packets();
        byte[] value;
        try {
            value = encoder.finish(batch);
        } catch (RuntimeException e) {
            sink.dropUnencodable(e, packets);
            recycle(batch);
            return;
        }
        sink.submit(batch.key(), value, millis(batch.firstMicros()), packets);
        listener.flushed(reason, packets);
        recycle(batch);
    }

    private void recycle(PacketBatch batch) {
        if (spares.size() < SPARES && batch.capacity() <= SPARE_MAX_CAPACITY) {
            spares.push(batch);
        }
    }

    private static long millis(long micros) {
        return Math.floorDiv(micros, 1000L);
    }
}
