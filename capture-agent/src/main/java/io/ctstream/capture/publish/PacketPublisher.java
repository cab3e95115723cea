package io.ctstream.capture.publish;

import io.ctstream.capture.batch.RecordSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue between capture and the Kafka producer, and the thread that drains it. Capture
 * threads {@link #submit} records; when the queue is full they either wait ({@link
 * OverflowPolicy#BLOCK}, replay) or drop and count ({@link OverflowPolicy#DROP}, live). Nothing is
 * lost silently: every record ends as published or as a drop with a {@link DropReason}. A record
 * may carry a batch of packets of one flow: publications and drops are counted in packets (and
 * publications in records too), so {@code decoded = published + dropped} holds in packets.
 *
 * <p>Records arrive encoded (the capture threads write key and value bytes) and are queued as
 * bytes: the sender thread then only appends to the producer's batches (and compresses), as a bare
 * producer does. With several capture threads (live, one per interface) the encoding runs in
 * parallel; a record that could not be encoded is counted with {@link #dropUnencodable}.
 *
 * <p>Acknowledgements are counted for every record, through one shared callback; the send latency
 * is timed for one record in {@value #LATENCY_SAMPLE} only, because a timer per record (a callback
 * object capturing the start, two clock reads, the timer's own bookkeeping on the producer's
 * network thread) costs a noticeable share of a packet's budget at replay rates, and a 1-in-64
 * sample gives the same distribution.
 */
public final class PacketPublisher implements RecordSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PacketPublisher.class);
    private static final int DRAIN_BATCH = 1024;

    /** One record in this many gets its send latency timed (a power of two). */
    static final int LATENCY_SAMPLE = 64;

    /**
     * Records of up to this many packets share one callback per count; larger ones (rare) get their
     * own.
     */
    private static final int CACHED_CALLBACKS = 1024;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final BlockingQueue<Pending> queue;
    private final OverflowPolicy overflow;
    private final PublishListener listener;
    private final Thread sender;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishedRecords = new AtomicLong();

    /** Records put in the queue, and records the sender has handed to the producer (or dropped). */
    private final AtomicLong enqueued = new AtomicLong();

    private final AtomicLong handed = new AtomicLong();
    private final AtomicLongArray dropped = new AtomicLongArray(DropReason.values().length);

    /**
     * One shared acknowledgement callback per packet count (records of n packets share callback n),
     * made on first use by the sender thread: a callback object per record would cost more than the
     * count is worth.
     */
    private final Callback[] acknowledgedByPackets = new Callback[CACHED_CALLBACKS + 1];

    /**
     * Records handed to the producer by the sender thread (its own counter, for latency sampling).
     */
    private long sends;

    private volatile boolean closing;
    private volatile long lastErrorLog;

    public PacketPublisher(
            Producer<byte[], byte[]> producer,
            String topic,
            int queueCapacity,
            OverflowPolicy overflow,
            PublishListener listener) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1, got " + queueCapacity);
        }
        this.producer = producer;
        this.topic = topic;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.overflow = overflow;
        this.listener = listener == null ? PublishListener.NONE : listener;
        this.sender = new Thread(this::drain, "ctstream-publisher");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** Hands over a record of one packet; see {@link #submit(byte[], byte[], long, int)}. */
    public boolean submit(byte[] key, byte[] value, long timestampMillis) {
        return submit(key, value, timestampMillis, 1);
    }

    /**
     * Hands over one encoded record (key and value bytes, the capture time in epoch milliseconds as
     * the record timestamp) carrying {@code packets} packets. Returns false when it was dropped
     * (queue full under DROP, or closing); a drop counts all its packets.
     */
    @Override
    public boolean submit(byte[] key, byte[] value, long timestampMillis, int packets) {
        if (timestampMillis
                < 0) { // Kafka refuses it; a capture file's timestamps can overflow to it
            dropUnencodable(
                    new IllegalArgumentException("negative record timestamp " + timestampMillis),
                    packets);
            return false;
        }
        submitted.addAndGet(packets);
        Pending r =
                new Pending(
                        new ProducerRecord<>(topic, null, timestampMillis, key, value), packets);
        if (closing) {
            drop(DropReason.SHUTDOWN, packets);
            return false;
        }
        if (overflow == OverflowPolicy.DROP) {
            if (!queue.offer(r)) {
                drop(DropReason.QUEUE_FULL, packets);
                return false;
            }
            enqueued.incrementAndGet();
            return true;
        }
        try {
            while (!queue.offer(r, 100, TimeUnit.MILLISECONDS)) {
                if (closing) {
                    drop(DropReason.SHUTDOWN, packets);
                    return false;
                }
            }
            enqueued.incrementAndGet();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(DropReason.SHUTDOWN, packets);
            return false;
        }
    }

    private void drain() {
        List<Pending> batch = new ArrayList<>(DRAIN_BATCH);
        while (true) {
            try {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, DRAIN_BATCH - 1);
                for (Pending r : batch) {
                    send(r);
                }
                batch.clear();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * A packet that was decoded but could not be encoded (a bug, not an input): counted, logged,
     * dropped.
     */
    public void dropUnencodable(RuntimeException e) {
        dropUnencodable(e, 1);
    }

    @Override
    public void dropUnencodable(RuntimeException e, int packets) {
        submitted.addAndGet(packets);
        logError("cannot encode a packet record", e);
        drop(DropReason.SERIALIZATION_ERROR, packets);
    }

    private void send(Pending r) {
        try {
            producer.send(
                    r.record(),
                    (sends++ & (LATENCY_SAMPLE - 1)) == 0
                            ? new TimedAcknowledgement(System.nanoTime(), r.packets())
                            : acknowledged(r.packets()));
        } catch (KafkaException | IllegalStateException e) {
            listener.producerError(e);
            logError("send rejected", e);
            drop(DropReason.PRODUCER_ERROR, r.packets());
        } finally {
            handed.incrementAndGet();
        }
    }

    /** The shared callback of records of {@code packets} packets (sender thread only). */
    private Callback acknowledged(int packets) {
        if (packets > CACHED_CALLBACKS) {
            return (md, e) -> acknowledged(md, e, packets);
        }
        Callback c = acknowledgedByPackets[packets];
        if (c == null) {
            c = (md, e) -> acknowledged(md, e, packets);
            acknowledgedByPackets[packets] = c;
        }
        return c;
    }

    private void acknowledged(RecordMetadata md, Exception e, int packets) {
        if (e != null) {
            listener.producerError(e);
            logError("send failed", e);
            drop(DropReason.PRODUCER_ERROR, packets);
        } else {
            published.addAndGet(packets);
            publishedRecords.incrementAndGet();
            listener.published(packets, md.serializedKeySize() + md.serializedValueSize());
        }
    }

    /** A queued record and the number of packets it carries. */
    private record Pending(ProducerRecord<byte[], byte[]> record, int packets) {}

    /**
     * The callback of a sampled record: counts it like any other and reports its send-to-ack time.
     */
    private final class TimedAcknowledgement implements Callback {
        private final long start;
        private final int packets;

        TimedAcknowledgement(long start, int packets) {
            this.start = start;
            this.packets = packets;
        }

        @Override
        public void onCompletion(RecordMetadata md, Exception e) {
            acknowledged(md, e, packets);
            if (e == null) {
                listener.sendLatency(System.nanoTime() - start);
            }
        }
    }

    private void drop(DropReason reason, int packets) {
        dropped.addAndGet(reason.ordinal(), packets);
        listener.dropped(reason, packets);
    }

    /** Logs at most one error per second, so a broken broker does not flood the log. */
    private void logError(String what, Exception e) {
        long now = System.nanoTime();
        if (now - lastErrorLog > 1_000_000_000L) {
            lastErrorLog = now;
            LOG.warn(
                    "{} (counted; further errors within 1 s are counted only): {}",
                    what,
                    e.toString());
        }
    }

    public int queued() {
        return queue.size();
    }

    /** Packets handed over (submitted or counted as unencodable). */
    public long submitted() {
        return submitted.get();
    }

    /** Packets in acknowledged records. */
    public long published() {
        return published.get();
    }

    /** Acknowledged records. */
    public long publishedRecords() {
        return publishedRecords.get();
    }

    /** Packets dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return dropped.get(reason.ordinal());
    }

    public long droppedTotal() {
        long s = 0;
        for (int i = 0; i < dropped.length(); i++) {
            s += dropped.get(i);
        }
        return s;
    }

    /** Waits until every submitted record is published or dropped, then flushes the producer. */
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (handed.get() < enqueued.get() && System.nanoTime() < deadline) {
            LockSupportSleep.pause();
        }
        producer.flush();
    }

    /**
     * Drains the queue (up to {@code timeout}), flushes and closes the producer. Records still
     * queued after the timeout are counted as SHUTDOWN drops.
     */
    public void close(Duration timeout) {
        closing = true;
        try {
            sender.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
        Pending left;
        while ((left = queue.poll()) != null) {
            drop(DropReason.SHUTDOWN, left.packets());
        }
        try {
            producer.flush();
        } finally {
            producer.close(timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Short pause while waiting for the sender thread to empty the queue. */
    private static final class LockSupportSleep {
        static void pause() {
            LockSupport.parkNanos(1_000_000L);
        }
    }
}
