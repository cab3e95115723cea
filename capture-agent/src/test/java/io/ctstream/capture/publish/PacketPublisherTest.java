package io.ctstream.capture.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The publisher alone, over Kafka's MockProducer: what is counted, sampled and dropped, and why.
 */
class PacketPublisherTest {
    private static final byte[] KEY = {1, 4, 6};
    private static final byte[] VALUE = {0, 0, 0, 0, 1, 42};

    private final CountingListener listener = new CountingListener();

    @Test
    void everyAcknowledgedRecordIsCountedAndOneIn64IsTimed() {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer());
        PacketPublisher publisher =
                new PacketPublisher(producer, "packets", 1000, OverflowPolicy.BLOCK, listener);
        for (int i = 0; i < 640; i++) {
            assertThat(publisher.submit(KEY, VALUE, 1_700_000_000_000L + i)).isTrue();
        }
        publisher.close(Duration.ofSeconds(10));

        assertThat(producer.history()).hasSize(640);
        assertThat(producer.history().get(5).timestamp()).isEqualTo(1_700_000_000_005L);
        assertThat(publisher.published()).isEqualTo(640);
        assertThat(listener.published.get()).isEqualTo(640);
        assertThat(listener.latencies.get()).isEqualTo(640 / PacketPublisher.LATENCY_SAMPLE);
        assertThat(publisher.droppedTotal()).isZero();
    }

    @Test
    void failedSendsAreCountedAsProducerErrorsAndNeverAsPublished() {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        false, null, new ByteArraySerializer(), new ByteArraySerializer());
        PacketPublisher publisher =
                new PacketPublisher(producer, "packets", 1000, OverflowPolicy.BLOCK, listener);
        for (int i = 0; i < 3; i++) {
            publisher.submit(KEY, VALUE, 1L);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 3);
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.errorNext(new TimeoutException("broker gone"))).isTrue();
        assertThat(producer.errorNext(new TimeoutException("broker gone"))).isTrue();

        assertThat(publisher.published()).isEqualTo(1);
        assertThat(publisher.dropped(DropReason.PRODUCER_ERROR)).isEqualTo(2);
        assertThat(listener.errors.get()).isEqualTo(2);
        assertThat(listener.latencies.get())
                .as("the first record is the timed one, and it succeeded")
                .isEqualTo(1);
        publisher.close(Duration.ofSeconds(1));
    }

    @Test
    void aFullQueueUnderDropCountsEveryRecordItRefuses() throws InterruptedException {
        // a producer that blocks in send holds the sender thread, so the queue of 2 fills up
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MockProducer<byte[], byte[]> blocking =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public synchronized Future<RecordMetadata> send(
                            ProducerRecord<byte[], byte[]> r, Callback cb) {
                        entered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return super.send(r, cb);
                    }
                };
        PacketPublisher publisher =
                new PacketPublisher(blocking, "packets", 2, OverflowPolicy.DROP, listener);
        assertThat(publisher.submit(KEY, VALUE, 1L)).isTrue();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue(); // the sender holds it, in send
        int accepted = 1;
        for (int i = 1; i < 50; i++) {
            accepted += publisher.submit(KEY, VALUE, 1L) ? 1 : 0;
        }
        release.countDown();
        publisher.close(Duration.ofSeconds(10));

        assertThat(accepted).isEqualTo(3); // the one in send, then the queue's 2
        assertThat(publisher.dropped(DropReason.QUEUE_FULL)).isEqualTo(50 - accepted);
        assertThat(listener.dropped.get()).isEqualTo(50 - accepted);
        assertThat(publisher.published() + publisher.droppedTotal()).isEqualTo(50);
    }

    @Test
    void unencodableRecordsAndNegativeTimestampsAreCountedNotSent() {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer());
        PacketPublisher publisher =
                new PacketPublisher(producer, "packets", 10, OverflowPolicy.BLOCK, listener);
        publisher.dropUnencodable(new IllegalStateException("encoder bug"));
        assertThat(publisher.submit(KEY, VALUE, -1L)).isFalse();
        publisher.close(Duration.ofSeconds(10));

        assertThat(producer.history()).isEmpty();
        assertThat(publisher.submitted()).isEqualTo(2);
        assertThat(publisher.dropped(DropReason.SERIALIZATION_ERROR)).isEqualTo(2);
    }

    @Test
    void recordsOfSeveralPacketsAreCountedInPacketsWhetherPublishedOrDropped()
            throws InterruptedException {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        false, null, new ByteArraySerializer(), new ByteArraySerializer());
        PacketPublisher publisher =
                new PacketPublisher(producer, "packets", 1000, OverflowPolicy.BLOCK, listener);
        assertThat(publisher.submit(KEY, VALUE, 1L, 32)).isTrue();
        assertThat(publisher.submit(KEY, VALUE, 2L, 5)).isTrue();
        assertThat(publisher.submit(KEY, VALUE, 3L, 7)).isTrue();
        assertThat(publisher.submit(KEY, VALUE, 4L, 2000))
                .isTrue(); // beyond the shared callbacks: its own
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 4);
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.errorNext(new TimeoutException("broker gone"))).isTrue();
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.completeNext()).isTrue();
        publisher.dropUnencodable(new IllegalStateException("encoder bug"), 3);
        assertThat(publisher.submit(KEY, VALUE, -1L, 4)).isFalse();

        assertThat(publisher.published()).isEqualTo(32 + 7 + 2000);
        assertThat(publisher.publishedRecords()).isEqualTo(3);
        assertThat(listener.publishedPackets.get()).isEqualTo(32 + 7 + 2000);
        assertThat(listener.published.get()).isEqualTo(3);
        assertThat(publisher.dropped(DropReason.PRODUCER_ERROR)).isEqualTo(5);
        assertThat(publisher.dropped(DropReason.SERIALIZATION_ERROR)).isEqualTo(3 + 4);
        assertThat(listener.droppedPackets.get()).isEqualTo(5 + 3 + 4);
        assertThat(publisher.submitted())
                .isEqualTo(publisher.published() + publisher.droppedTotal());
        publisher.close(Duration.ofSeconds(1));
    }

    @Test
    void recordsStillQueuedAtATimedOutShutdownCountTheirPackets() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MockProducer<byte[], byte[]> blocking =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public synchronized Future<RecordMetadata> send(
                            ProducerRecord<byte[], byte[]> r, Callback cb) {
                        entered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return super.send(r, cb);
                    }
                };
        PacketPublisher publisher =
                new PacketPublisher(blocking, "packets", 10, OverflowPolicy.DROP, listener);
        assertThat(publisher.submit(KEY, VALUE, 1L, 3)).isTrue();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(publisher.submit(KEY, VALUE, 1L, 10)).isTrue();
        assertThat(publisher.submit(KEY, VALUE, 1L, 20)).isTrue();
        // The sender stays blocked until close has given up on it and counted what was still
        // queued.
        Thread releaser =
                new Thread(
                        () -> {
                            try {
                                await().atMost(Duration.ofSeconds(10))
                                        .until(() -> publisher.dropped(DropReason.SHUTDOWN) == 30);
                            } finally {
                                release.countDown(); // never leave the sender blocked; the
                                // assertions below say what happened
                            }
                        });
        releaser.start();
        publisher.close(Duration.ofMillis(100));
        releaser.join();

        assertThat(publisher.dropped(DropReason.SHUTDOWN)).isEqualTo(30);
        assertThat(listener.droppedPackets.get()).isEqualTo(30);
    }

    private static final class CountingListener implements PublishListener {
        final AtomicLong published = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong latencies = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong errors = new AtomicLong();

        final AtomicLong publishedPackets = new AtomicLong();
        final AtomicLong droppedPackets = new AtomicLong();

        @Override
        public void published(int packets, int serializedBytes) {
            published.incrementAndGet();
            publishedPackets.addAndGet(packets);
            bytes.addAndGet(serializedBytes);
        }

        @Override
        public void sendLatency(long nanos) {
            assertThat(nanos).isNotNegative();
            latencies.incrementAndGet();
        }

        @Override
        public void dropped(DropReason reason, int packets) {
            dropped.incrementAndGet();
            droppedPackets.addAndGet(packets);
        }

        @Override
        public void producerError(Exception e) {
            errors.incrementAndGet();
        }
    }
}
