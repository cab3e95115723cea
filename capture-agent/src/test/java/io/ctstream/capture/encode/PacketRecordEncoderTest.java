package io.ctstream.capture.encode;

import static io.ctstream.capture.decode.Frames.frame;
import static io.ctstream.capture.decode.Frames.v4;
import static io.ctstream.capture.decode.Frames.v6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.FlowKeyOracle;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.decode.PacketRecords;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.capture.robustness.LabFiles;
import io.ctstream.capture.synth.Synth;
import io.ctstream.embedded.fuzz.FuzzInputs;
import io.ctstream.serde.ConfluentWireFormat;
import io.ctstream.serde.FlowKeySerde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The hand-laid encoders against the reference path they replace: {@link PacketRecords#toRecord}
 * written by Avro's own {@link SpecificDatumWriter} after the registry header (what {@code
 * SpecificAvroSerializer} does), and {@link FlowKeySerde} over {@link FlowKeyOracle#of}. Byte for
 * byte, over every packet of the lab captures, a synthetic capture with every protocol of the mix,
 * and fuzzed frames.
 */
class PacketRecordEncoderTest {
    private static final int SCHEMA_ID = 0x01020304;
    private static final List<String> INTERFACES =
            java.util.Arrays.asList(null, "eth0", "eth0", "wlp2s0-é", null);

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final PacketRecordEncoder encoder = new PacketRecordEncoder(SCHEMA_ID, "sensor-ü1");
    private final FlowKeySerde keySerde = new FlowKeySerde();
    private final EdgePayloadPolicy policy = EdgePayloadPolicy.defaults();
    private long ipv6;
    private long icmpErrors;
    private long payloads;

    @Test
    void everyLabPacketEncodesAsAvroDoes() throws IOException {
        long compared = 0;
        for (Path pcap : LabFiles.pcaps()) {
            compared += compareFile(pcap, CaptureFiles.open(pcap));
        }
        assertThat(compared).isEqualTo(decoder.counters().decoded()).isGreaterThan(900);
        assertThat(ipv6).as("IPv6 packets compared").isPositive();
    }

    @Test
    void everySyntheticPacketEncodesAsAvroDoes() throws IOException {
        ByteArrayOutputStream pcap = new ByteArrayOutputStream();
        Synth.write(pcap, 30_000, 7);
        long compared =
                compareFile(
                        Path.of("synth.pcap"),
                        CaptureFiles.open(
                                Path.of("synth.pcap"),
                                new ByteArrayInputStream(pcap.toByteArray())));
        assertThat(compared).isEqualTo(30_000);
        assertThat(decoder.counters().decoded()).isEqualTo(30_000);
        assertThat(payloads).as("payloads kept by the edge policy").isPositive();
    }

    @Test
    void labFlowsBatchedEncodeAsAvroDoesWithFollowingFilled() throws IOException {
        long batches = 0;
        for (Path pcap : LabFiles.pcaps()) {
            batches += compareBatches(pcap, CaptureFiles.open(pcap), 32);
        }
        assertThat(batchedPackets).isEqualTo(decoder.counters().decoded()).isGreaterThan(900);
        assertThat(batches).isLessThan(batchedPackets / 2);
        assertThat(batchesOfOne).as("one-packet batches compared too").isPositive();
    }

    @Test
    void syntheticFlowsBatchedEncodeAsAvroDoesWithFollowingFilled() throws IOException {
        ByteArrayOutputStream pcap = new ByteArrayOutputStream();
        Synth.write(pcap, 30_000, 11);
        long batches =
                compareBatches(
                        Path.of("synth.pcap"),
                        CaptureFiles.open(
                                Path.of("synth.pcap"),
                                new ByteArrayInputStream(pcap.toByteArray())),
                        100);
        assertThat(batchedPackets).isEqualTo(30_000);
        assertThat(largestBatch).isGreaterThan(32);
        assertThat(batches).isLessThan(30_000 / 4);
    }

    @Property(tries = 300)
    void fuzzedFramesBatchedEncodeAsAvroDoes(
            @ForAll("batchOfFrames") List<byte[]> frames, @ForAll @IntRange(max = 3000) int keep) {
        // the encoder does not care whether the packets share a flow: any decodable frames make a
        // batch
        PacketBatch batch = new PacketBatch(16);
        List<PacketRecord> records = new java.util.ArrayList<>();
        long micros = 1_700_000_000_000_000L;
        for (byte[] f : frames) {
            if (!decoder.decode(
                    io.ctstream.capture.decode.LinkType.ETHERNET, f, f.length, f.length, packet)) {
                continue;
            }
            micros += 17;
            add(batch, records, micros, records.size() % 2 == 0 ? "eth1" : null, keep);
        }
        if (!records.isEmpty()) {
            assertBatchSame(batch, records);
        }
    }

    @Provide
    Arbitrary<List<byte[]>> batchOfFrames() {
        return frames().list().ofMinSize(1).ofMaxSize(80);
    }

    @Test
    void aBatchBufferIsReusedWithoutLeftovers() throws IOException {
        ByteArrayOutputStream pcap = new ByteArrayOutputStream();
        Synth.write(pcap, 300, 5);
        PacketBatch batch = new PacketBatch(16);
        List<PacketRecord> records = new java.util.ArrayList<>();
        CapturedFrame f = new CapturedFrame();
        int round = 0;
        try (CaptureFileReader r =
                CaptureFiles.open(
                        Path.of("s.pcap"), new ByteArrayInputStream(pcap.toByteArray()))) {
            while (r.next(f)) {
                assertThat(
                                decoder.decode(
                                        f.linkType(),
                                        f.data(),
                                        f.capturedLength(),
                                        f.originalLength(),
                                        packet))
                        .isTrue();
                add(batch, records, f.timestampMicros(), "eth0", policy.keepBytes(packet));
                // batches of 1, 2, 3, ... packets in the same PacketBatch, long ones then short
                // ones
                if (records.size() > (round % 9)) {
                    assertBatchSame(batch, records);
                    records.clear();
                    round++;
                }
            }
        }
        assertThat(round).isGreaterThan(30);
        // then all 300 in one: 299 items, a count whose zigzag varint takes two bytes (past 63)
        records.clear();
        try (CaptureFileReader r =
                CaptureFiles.open(
                        Path.of("s.pcap"), new ByteArrayInputStream(pcap.toByteArray()))) {
            while (r.next(f)) {
                assertThat(
                                decoder.decode(
                                        f.linkType(),
                                        f.data(),
                                        f.capturedLength(),
                                        f.originalLength(),
                                        packet))
                        .isTrue();
                add(batch, records, f.timestampMicros(), null, 0);
            }
        }
        assertBatchSame(batch, records);
        assertThat(largestBatch).isEqualTo(300);
    }

    @Test
    void icmpErrorsWithQuotedTuplesEncodeAsAvroDoes() {
        byte[] quoted4 =
                frame().ipv4(40, 6, 0, v4(10, 77, 2, 2), v4(10, 77, 1, 99))
                        .u16(20)
                        .u16(33000)
                        .u32(5)
                        .build();
        byte[] error4 =
                frame().ethernet(0x0800)
                        .ipv4(20 + 8 + quoted4.length, 1, 0, v4(10, 77, 2, 1), v4(10, 77, 2, 2))
                        .u8(3, 1)
                        .u16(0)
                        .u32(0)
                        .bytes(quoted4)
                        .build();
        byte[] quoted6 = frame().ipv6(8, 17, v6(2), v6(99)).udp(5353, 40000, 8).build();
        byte[] error6 =
                frame().ethernet(0x86dd)
                        .ipv6(8 + quoted6.length, 58, v6(1), v6(2))
                        .u8(1, 4)
                        .u16(0)
                        .u32(0)
                        .bytes(quoted6)
                        .build();
        for (byte[] f : List.of(error4, error6)) {
            assertThat(
                            decoder.decode(
                                    io.ctstream.capture.decode.LinkType.ETHERNET,
                                    f,
                                    f.length,
                                    f.length,
                                    packet))
                    .isTrue();
            assertThat(packet.hasQuoted()).isTrue();
            assertSame(1_000_000L, "eth0", Integer.MAX_VALUE);
            assertThat(FlowKeyBytes.of(packet))
                    .isEqualTo(keySerde.serialize("t", FlowKeyOracle.of(packet)));
        }
    }

    @Provide
    Arbitrary<byte[]> frames() {
        return FuzzInputs.of(
                FuzzInputs.corpus("frames"),
                List.of(
                        "\u0008\u0000",
                        "\u0086\u00dd",
                        "\u0045\u0000",
                        "\u0060\u0000",
                        "\u0000\u0006",
                        "\u0000\u0011",
                        "\u0000\u003a",
                        "\u0000\u0001"),
                2048);
    }

    @Property(tries = 3000)
    void fuzzedFramesThatDecodeEncodeAsAvroDoes(
            @ForAll("frames") byte[] f, @ForAll @IntRange(max = 3000) int keep) {
        if (decoder.decode(
                io.ctstream.capture.decode.LinkType.ETHERNET, f, f.length, f.length, packet)) {
            assertSame(123_456_789L, "eth1", keep);
        }
    }

    @Test
    void refusesASchemaItWasNotWrittenFor() {
        Schema changed =
                SchemaBuilder.record("PacketRecord")
                        .namespace("io.ctstream.avro")
                        .fields()
                        .requiredString("sensorId")
                        .requiredLong("timestampMicros")
                        .endRecord();
        assertThatThrownBy(() -> PacketRecordEncoder.requireSchema(changed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fingerprint")
                .hasMessageContaining("PacketRecordEncoderTest");
    }

    private long batchedPackets;
    private long batchesOfOne;
    private int largestBatch;

    /**
     * Batches every flow's consecutive packets (up to {@code max}, the last ones of each flow at
     * the end), as the batcher does but with the payload the policy keeps on every packet, and
     * compares each batch with Avro's bytes for the first packet's record with {@code following}
     * filled. Returns the batch count.
     */
    private long compareBatches(Path name, CaptureFileReader reader, int max) throws IOException {
        java.util.Map<java.nio.ByteBuffer, PacketBatch> open = new java.util.LinkedHashMap<>();
        java.util.Map<java.nio.ByteBuffer, List<PacketRecord>> expected = new java.util.HashMap<>();
        long batches = 0;
        long n = 0;
        CapturedFrame f = new CapturedFrame();
        try (reader) {
            while (reader.next(f)) {
                if (!decoder.decode(
                        f.linkType(), f.data(), f.capturedLength(), f.originalLength(), packet)) {
                    continue;
                }
                java.nio.ByteBuffer flow = java.nio.ByteBuffer.wrap(FlowKeyBytes.of(packet));
                PacketBatch batch = open.computeIfAbsent(flow, k -> new PacketBatch(64));
                List<PacketRecord> records =
                        expected.computeIfAbsent(flow, k -> new java.util.ArrayList<>());
                String iface = INTERFACES.get((int) (n++ % INTERFACES.size()));
                add(batch, records, f.timestampMicros(), iface, policy.keepBytes(packet));
                // a flow's batches vary in size: 1 .. max packets, by a hash of the flow and batch
                // count
                if (records.size() >= 1 + Math.floorMod(flow.hashCode() + batches, max)) {
                    assertBatchSame(batch, records);
                    batches++;
                    records.clear();
                }
            }
        }
        for (java.util.Map.Entry<java.nio.ByteBuffer, List<PacketRecord>> e : expected.entrySet()) {
            if (!e.getValue().isEmpty()) {
                assertBatchSame(open.get(e.getKey()), e.getValue());
                batches++;
            }
        }
        return batches;
    }

    /**
     * Adds the current packet to {@code batch} (opening it when {@code records} is empty) and to
     * the reference.
     */
    private void add(
            PacketBatch batch, List<PacketRecord> records, long micros, String iface, int keep) {
        if (records.isEmpty()) {
            encoder.start(batch, FlowKeyBytes.of(packet), packet, micros, iface, keep);
        } else {
            encoder.append(batch, packet, micros, iface, keep);
        }
        records.add(PacketRecords.toRecord(packet, "sensor-ü1", micros, iface, keep));
        assertThat(batch.packets()).isEqualTo(records.size());
    }

    private void assertBatchSame(PacketBatch batch, List<PacketRecord> records) {
        PacketRecord first = PacketRecord.newBuilder(records.get(0)).build();
        first.setFollowing(new java.util.ArrayList<>(records.subList(1, records.size())));
        assertThat(encoder.finish(batch)).as("batch of %d", records.size()).isEqualTo(avro(first));
        assertThat(batch.firstMicros()).isEqualTo(records.get(0).getTimestampMicros());
        batchedPackets += records.size();
        batchesOfOne += records.size() == 1 ? 1 : 0;
        largestBatch = Math.max(largestBatch, records.size());
    }

    private long compareFile(Path name, CaptureFileReader reader) throws IOException {
        long n = 0;
        CapturedFrame f = new CapturedFrame();
        try (reader) {
            while (reader.next(f)) {
                if (!decoder.decode(
                        f.linkType(), f.data(), f.capturedLength(), f.originalLength(), packet)) {
                    continue;
                }
                String iface = INTERFACES.get((int) (n % INTERFACES.size()));
                assertSame(f.timestampMicros(), iface, policy.keepBytes(packet));
                assertSame(f.timestampMicros(), iface, Integer.MAX_VALUE);
                assertThat(FlowKeyBytes.of(packet))
                        .as("%s frame %d key", name, n)
                        .isEqualTo(keySerde.serialize("t", FlowKeyOracle.of(packet)));
                ipv6 += packet.ipVersion() == 6 ? 1 : 0;
                icmpErrors += packet.hasQuoted() ? 1 : 0;
                payloads += policy.keepBytes(packet) > 0 && packet.payloadCaptured() > 0 ? 1 : 0;
                n++;
            }
        }
        return n;
    }

    private void assertSame(long micros, String iface, int keep) {
        byte[] expected = avro(PacketRecords.toRecord(packet, "sensor-ü1", micros, iface, keep));
        assertThat(encoder.encode(packet, micros, iface, keep)).isEqualTo(expected);
    }

    private static byte[] avro(PacketRecord r) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ConfluentWireFormat.writeHeader(out, SCHEMA_ID);
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<PacketRecord>(
                            PacketRecord.getClassSchema(),
                            SpecificData.getForSchema(PacketRecord.getClassSchema()))
                    .write(r, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
