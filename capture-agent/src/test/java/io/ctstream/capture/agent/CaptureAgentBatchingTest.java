package io.ctstream.capture.agent;

import static io.ctstream.capture.decode.Frames.frame;
import static io.ctstream.capture.decode.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.capture.batch.FlushReason;
import io.ctstream.capture.decode.LinkType;
import io.ctstream.capture.file.PcapWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's wiring of the batcher, over Kafka's MockProducer: a paced replay (like live capture,
 * it has a wall clock) publishes a quiet flow's batch on the idle timer, long before the next
 * packet's capture time would have aged it out; the end of a replay publishes whatever is still
 * open.
 */
class CaptureAgentBatchingTest {
    private static final long T0 = 1_795_300_000_000_000L;

    @Test
    void aPacedReplayPublishesAQuietFlowsBatchOnTheWallClock(@TempDir Path dir) throws IOException {
        Path pcap = dir.resolve("quiet.pcap");
        try (PcapWriter w = new PcapWriter(pcap, LinkType.ETHERNET, 65535)) {
            write(w, T0, 1, 1);
            write(w, T0 + 100, 1, 2);
            write(w, T0 + 1_500_000, 2, 1); // 1.5 s later, another flow
        }
        Map<Long, Long> sentAtNanos = new ConcurrentHashMap<>();
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public synchronized Future<RecordMetadata> send(
                            ProducerRecord<byte[], byte[]> r, Callback cb) {
                        sentAtNanos.put(r.timestamp(), System.nanoTime());
                        return super.send(r, cb);
                    }
                };
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CaptureAgentConfig config =
                CaptureAgentConfig.builder()
                        .sensorId("s")
                        .topic("pkts")
                        .replay(List.of(pcap), 1.0)
                        .build();
        assertThat(config.batchIdleTimer()).isTrue();
        long start = System.nanoTime();
        CaptureTotals totals = new CaptureAgent(config, meters, 1, producer).run();

        assertThat(totals.published()).isEqualTo(3);
        // Normally 2 records (flow 1's two packets, flow 2's one). The idle timer runs on the wall
        // clock, so on a
        // loaded machine that deschedules the replay thread for over the batch age between flow 1's
        // two packets
        // (100 µs apart in capture time), it rightly publishes the first alone: 3 records, one more
        // AGE flush.
        assertThat(totals.records()).isBetween(2L, 3L);
        long splits = totals.records() - 2;
        long firstSentMillis = (sentAtNanos.get(T0 / 1000) - start) / 1_000_000;
        // 5 ms of batch age, a timer every 1 ms, the replay's own start: far below the 1.5 s the
        // next packet waits
        assertThat(firstSentMillis).as("ms from start to the quiet flow's record").isLessThan(750);
        assertThat(
                        meters.get("ctstream.capture.batches.flushed")
                                .tag("reason", FlushReason.AGE.name())
                                .counter()
                                .count())
                .isEqualTo(1 + splits);
        assertThat(
                        meters.get("ctstream.capture.batches.flushed")
                                .tag("reason", FlushReason.SHUTDOWN.name())
                                .counter()
                                .count())
                .as("the last flow's batch, at the end of the replay")
                .isEqualTo(1);
        assertThat(meters.get("ctstream.capture.records.published").counter().count())
                .isEqualTo(2 + splits);
        assertThat(meters.get("ctstream.capture.packets.published").counter().count()).isEqualTo(3);
    }

    @Test
    void aReplayAsFastAsPossibleHasNoTimerAndLosesNothingAtTheEnd(@TempDir Path dir)
            throws IOException {
        Path pcap = dir.resolve("flows.pcap");
        try (PcapWriter w = new PcapWriter(pcap, LinkType.ETHERNET, 65535)) {
            for (int i = 0; i < 100; i++) {
                write(w, T0 + i, 1 + i % 7, i);
            }
        }
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(
                        true, null, new ByteArraySerializer(), new ByteArraySerializer());
        CaptureAgentConfig config =
                CaptureAgentConfig.builder()
                        .sensorId("s")
                        .topic("pkts")
                        .replay(List.of(pcap), 0)
                        .build();
        assertThat(config.batchIdleTimer()).isFalse();
        CaptureTotals totals =
                new CaptureAgent(config, new SimpleMeterRegistry(), 1, producer).run();
        assertThat(totals.published()).isEqualTo(100);
        assertThat(totals.records()).isEqualTo(7).isEqualTo(producer.history().size());
        assertThat(totals.droppedTotal()).isZero();
    }

    /** A TCP ACK of flow {@code host} (10.0.0.host:40000 -> 10.0.1.1:80). */
    private static void write(PcapWriter w, long micros, int host, long seq) throws IOException {
        byte[] f =
                frame().ethernet(0x0800)
                        .ipv4(40, 6, 0, v4(10, 0, 0, host), v4(10, 0, 1, 1))
                        .tcp(40000, 80, seq, 0, 0x10, new byte[0])
                        .build();
        w.write(micros, f, 0, f.length);
    }
}
