package io.ctstream.capture.batch;

import static io.ctstream.capture.decode.Frames.frame;
import static io.ctstream.capture.decode.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.LinkType;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.encode.FlowKeyBytes;
import io.ctstream.capture.encode.PacketRecordEncoder;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.serde.ConfluentWireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * The batcher over hand-built packets of a few flows, its records read back with Avro's own reader:
 * grouping by flow in capture order, every flush reason, the bounds, and batching off giving one
 * record per packet.
 */
class FlowBatcherTest {
    private static final long T0 = 1_795_300_000_000_000L;
    private static final byte[] EMPTY = new byte[0];

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final PacketRecordEncoder encoder = new PacketRecordEncoder(7, "s1");
    private final EdgePayloadPolicy policy = EdgePayloadPolicy.defaults();
    private final Collecting sink = new Collecting();
    private final Map<FlushReason, Integer> flushes = new EnumMap<>(FlushReason.class);

    private FlowBatcher batcher(BatchOptions options, boolean wallClock) {
        return new FlowBatcher(
                options,
                encoder,
                sink,
                (reason, packets) -> flushes.merge(reason, 1, Integer::sum),
                wallClock);
    }

    @Test
    void interleavedFlowsAreGroupedPerFlowInCaptureOrder() {
        FlowBatcher b = batcher(new BatchOptions(32, 5_000), false);
        // three flows interleaved, both directions of flow 1; 10 µs apart: nothing ages
        int seq = 0;
        for (int i = 0; i < 12; i++) {
            add(b, tcp(1, 40001, 80, seq++, 0x10, EMPTY, false), T0 + 10L * seq);
            add(b, tcp(2, 40002, 443, seq++, 0x10, EMPTY, false), T0 + 10L * seq);
            add(b, tcp(1, 40001, 80, seq++, 0x10, EMPTY, true), T0 + 10L * seq);
            add(b, tcp(3, 40003, 53, seq++, 0x10, EMPTY, false), T0 + 10L * seq);
        }
        assertThat(sink.records).isEmpty();
        assertThat(b.openBatches()).isEqualTo(3);
        b.flushAll();

        assertThat(sink.records).hasSize(3);
        assertThat(flushes).containsExactly(Map.entry(FlushReason.SHUTDOWN, 3));
        Sent flow1 = sink.records.get(0);
        assertThat(flow1.packets).isEqualTo(24);
        List<PacketRecord> packets = flow1.decoded();
        assertThat(packets).hasSize(24);
        // capture order within the flow, both directions under one key
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).getTcpSeq()).isGreaterThan(packets.get(i - 1).getTcpSeq());
            assertThat(FlowKeyBytes.of(decode(tcp(1, 40001, 80, 0, 0x10, EMPTY, i % 2 == 1))))
                    .isEqualTo(flow1.key);
        }
        assertThat(packets.get(1).getSrcPort()).isEqualTo(80);
        assertThat(flow1.timestampMillis).isEqualTo((T0 + 10) / 1000);
        assertThat(flow1.record().getFollowing())
                .allSatisfy(p -> assertThat(p.getFollowing()).isEmpty());
        assertThat(sink.records.get(1).packets).isEqualTo(12);
        assertThat(sink.records.get(2).packets).isEqualTo(12);
        assertThat(sink.records.get(1).decoded().get(0).getDstPort()).isEqualTo(443);
    }

    @Test
    void aBatchGoesWhenItReachesTheSize() {
        FlowBatcher b = batcher(new BatchOptions(4, 5_000), false);
        for (int i = 0; i < 10; i++) {
            add(b, tcp(1, 40001, 80, i, 0x10, EMPTY, false), T0 + i);
        }
        assertThat(sink.records).extracting(s -> s.packets).containsExactly(4, 4);
        b.flushAll();
        assertThat(sink.records).extracting(s -> s.packets).containsExactly(4, 4, 2);
        assertThat(flushes)
                .containsEntry(FlushReason.SIZE, 2)
                .containsEntry(FlushReason.SHUTDOWN, 1);
        assertThat(sink.allPackets())
                .extracting(PacketRecord::getTcpSeq)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void aBatchGoesWhenALaterPacketOfAnyFlowIsTheAgeAfterItsFirst() {
        FlowBatcher b = batcher(new BatchOptions(32, 5_000), false);
        add(b, tcp(1, 40001, 80, 1, 0x10, EMPTY, false), T0);
        add(b, tcp(1, 40001, 80, 2, 0x10, EMPTY, false), T0 + 3_000);
        add(b, tcp(2, 40002, 80, 1, 0x10, EMPTY, false), T0 + 4_999);
        assertThat(sink.records).isEmpty();
        // flow 2's packet at T0 + 5000 ages flow 1's batch out (its first packet is 5 ms older),
        // not its own
        add(b, tcp(2, 40002, 80, 2, 0x10, EMPTY, false), T0 + 5_000);
        assertThat(sink.records).hasSize(1);
        assertThat(sink.records.get(0).packets).isEqualTo(2);
        assertThat(flushes).containsExactly(Map.entry(FlushReason.AGE, 1));
        // a packet of an aged flow starts a new batch after the old one went
        add(b, tcp(1, 40001, 80, 3, 0x10, EMPTY, false), T0 + 10_000);
        assertThat(sink.records).extracting(s -> s.packets).containsExactly(2, 2);
        assertThat(b.openBatches()).isEqualTo(1);
        assertThat(flushes).containsExactly(Map.entry(FlushReason.AGE, 2));
    }

    @Test
    void liveAQuietFlowsBatchGoesOnTheWallClock() {
        FlowBatcher b = batcher(new BatchOptions(32, 5_000), true);
        long before = System.nanoTime();
        add(b, tcp(1, 40001, 80, 1, 0x10, EMPTY, false), T0);
        add(b, tcp(1, 40001, 80, 2, 0x10, EMPTY, false), T0 + 1);
        b.flushIdle(before + 1_000_000, 0); // 1 ms after: stays
        assertThat(sink.records).isEmpty();
        b.flushIdle(
                System.nanoTime() + 4_000_000,
                1_000_000); // 4 ms + the timer's period of 1 ms: goes
        assertThat(sink.records).hasSize(1);
        assertThat(sink.records.get(0).packets).isEqualTo(2);
        assertThat(flushes).containsExactly(Map.entry(FlushReason.AGE, 1));
    }

    @Test
    void helperPayloadGoesAtOnceAfterTheFlowsOpenBatchAndAlone() {
        FlowBatcher b = batcher(new BatchOptions(32, 5_000), false);
        add(b, tcp(1, 40001, 21, 1, 0x10, EMPTY, false), T0); // FTP control ACK: batched
        add(b, tcp(1, 40001, 21, 2, 0x10, EMPTY, true), T0 + 10); // the server's ACK: batched
        add(b, tcp(2, 40002, 80, 1, 0x10, EMPTY, false), T0 + 20); // another flow
        byte[] pasv =
                "227 Entering Passive Mode (10,0,1,1,78,52).\r\n"
                        .getBytes(StandardCharsets.US_ASCII);
        add(b, tcp(1, 40001, 21, 3, 0x18, pasv, true), T0 + 30);
        assertThat(sink.records).extracting(s -> s.packets).containsExactly(2, 1);
        assertThat(flushes).containsExactly(Map.entry(FlushReason.HELPER_PAYLOAD, 2));
        PacketRecord announcing = sink.records.get(1).record();
        assertThat(announcing.getFollowing()).isEmpty();
        assertThat(StandardCharsets.US_ASCII.decode(announcing.getPayload()).toString())
                .isEqualTo(new String(pasv, StandardCharsets.US_ASCII));
        assertThat(sink.records.get(1).timestampMillis).isEqualTo((T0 + 30) / 1000);
        assertThat(b.openBatches()).as("the other flow stays open").isEqualTo(1);
        // a helper-port packet without payload (an ACK) is batched like any other
        add(b, tcp(1, 40001, 21, 4, 0x10, EMPTY, false), T0 + 40);
        assertThat(sink.records).hasSize(2);
        assertThat(b.openBatches()).isEqualTo(2);
    }

    @Test
    void aBatchNeverPassesTheRecordByteCap() {
        FlowBatcher b = batcher(new BatchOptions(BatchOptions.MAX_PACKETS, 5_000_000), false);
        for (int i = 0; i < 3_000; i++) {
            add(b, tcp(1, 40001, 80, i, 0x10, EMPTY, false), T0 + i);
        }
        b.flushAll();
        assertThat(flushes.get(FlushReason.BYTES)).isPositive();
        assertThat(sink.records)
                .allSatisfy(
                        s ->
                                assertThat(s.value.length)
                                        .isLessThanOrEqualTo(FlowBatcher.MAX_RECORD_BYTES));
        assertThat(sink.records.get(0).value.length)
                .isGreaterThan(FlowBatcher.MAX_RECORD_BYTES - 300);
        assertThat(sink.allPackets()).hasSize(3_000);
        assertThat(sink.allPackets()).extracting(PacketRecord::getTcpSeq).isSorted();
    }

    @Test
    void beyondTheOpenBatchBoundTheEldestGoes() {
        FlowBatcher b = batcher(new BatchOptions(32, 5_000, 2, 1 << 20), false);
        add(b, tcp(1, 40001, 80, 1, 0x10, EMPTY, false), T0);
        add(b, tcp(2, 40002, 80, 1, 0x10, EMPTY, false), T0 + 1);
        add(
                b,
                tcp(1, 40001, 80, 2, 0x10, EMPTY, false),
                T0 + 2); // flow 1 stays the eldest: its batch started first
        assertThat(sink.records).isEmpty();
        add(b, tcp(3, 40003, 80, 1, 0x10, EMPTY, false), T0 + 3);
        assertThat(sink.records).hasSize(1);
        assertThat(sink.records.get(0).decoded().get(0).getSrcPort()).isEqualTo(40001);
        assertThat(sink.records.get(0).packets).isEqualTo(2);
        assertThat(flushes).containsExactly(Map.entry(FlushReason.OPEN_BOUND, 1));
        assertThat(b.openBatches()).isEqualTo(2);
    }

    @Test
    void beyondTheOpenByteBoundTheEldestGoes() {
        FlowBatcher b = batcher(new BatchOptions(32, 5_000, 1000, 1_000), false);
        for (int flow = 1; flow <= 40; flow++) {
            add(b, tcp(flow, 40000 + flow, 80, 1, 0x10, EMPTY, false), T0 + flow);
            assertThat(b.openBytes()).isLessThanOrEqualTo(1_000);
        }
        assertThat(flushes.get(FlushReason.OPEN_BOUND)).isPositive();
        assertThat(b.openBatches()).isLessThan(40);
        b.flushAll();
        assertThat(sink.allPackets()).extracting(PacketRecord::getSrcPort).isSorted().hasSize(40);
    }

    @Test
    void batchingOffPublishesEveryPacketAloneAsBeforeBatching() {
        FlowBatcher b = batcher(BatchOptions.off(), false);
        List<byte[]> frames =
                List.of(
                        tcp(1, 40001, 80, 1, 0x02, EMPTY, false),
                        tcp(1, 40001, 80, 2, 0x12, EMPTY, true),
                        tcp(
                                1,
                                40001,
                                21,
                                3,
                                0x18,
                                "PASV\r\n".getBytes(StandardCharsets.US_ASCII),
                                false));
        List<byte[]> expected = new ArrayList<>();
        long t = T0;
        for (byte[] f : frames) {
            DecodedPacket p = decode(f);
            expected.add(encoder.encode(p, t++, "eth0", policy.keepBytes(p)));
        }
        t = T0;
        for (byte[] f : frames) {
            add(b, f, t++);
        }
        assertThat(b.openBatches()).isZero();
        assertThat(flushes).isEmpty();
        assertThat(sink.records).extracting(Sent::value).containsExactlyElementsOf(expected);
        assertThat(sink.records).extracting(Sent::packets).containsOnly(1);
    }

    // ---- helpers

    /**
     * A TCP packet of flow {@code host}: 10.0.0.host:sport -> 10.0.1.1:dport, or the reverse when
     * {@code reply}.
     */
    private static byte[] tcp(
            int host, int sport, int dport, long seq, int flags, byte[] payload, boolean reply) {
        byte[] client = v4(10, 0, host >> 8, host & 0xff);
        byte[] server = v4(10, 0, 255, 1);
        return frame().ethernet(0x0800)
                .ipv4(40 + payload.length, 6, 0, reply ? server : client, reply ? client : server)
                .tcp(reply ? dport : sport, reply ? sport : dport, seq, 0, flags, EMPTY)
                .bytes(payload)
                .build();
    }

    private DecodedPacket decode(byte[] f) {
        assertThat(decoder.decode(LinkType.ETHERNET, f, f.length, f.length, packet)).isTrue();
        return packet;
    }

    private void add(FlowBatcher b, byte[] f, long micros) {
        DecodedPacket p = decode(f);
        b.add(p, FlowKeyBytes.of(p), micros, "eth0", policy.keepBytes(p));
        Arrays.fill(
                f, (byte) 0); // the reader reuses frame buffers: a batch must not point into them
    }

    private record Sent(byte[] key, byte[] value, long timestampMillis, int packets) {
        PacketRecord record() {
            try {
                return new SpecificDatumReader<>(PacketRecord.class)
                        .read(
                                null,
                                DecoderFactory.get()
                                        .binaryDecoder(
                                                value,
                                                ConfluentWireFormat.HEADER_SIZE,
                                                value.length - ConfluentWireFormat.HEADER_SIZE,
                                                null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The record's packets: the first, then {@code following}. */
        List<PacketRecord> decoded() {
            PacketRecord r = record();
            List<PacketRecord> all = new ArrayList<>();
            all.add(r);
            all.addAll(r.getFollowing());
            return all;
        }
    }

    private static final class Collecting implements RecordSink {
        final List<Sent> records = new ArrayList<>();

        @Override
        public boolean submit(byte[] key, byte[] value, long timestampMillis, int packets) {
            Sent s = new Sent(key, value, timestampMillis, packets);
            assertThat(s.decoded()).hasSize(packets);
            records.add(s);
            return true;
        }

        @Override
        public void dropUnencodable(RuntimeException e, int packets) {
            throw new AssertionError("unexpected encoding failure", e);
        }

        List<PacketRecord> allPackets() {
            List<PacketRecord> all = new ArrayList<>();
            records.forEach(s -> all.addAll(s.decoded()));
            return all;
        }
    }
}
