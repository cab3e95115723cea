package io.ctstream.capture.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.batch.FlushReason;
import io.ctstream.capture.conformance.Tshark;
import io.ctstream.capture.robustness.LabFiles;
import io.ctstream.capture.synth.Synth;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays captures through the agent into the real embedded broker and registry, and reads the
 * packets topic back with a real consumer and the project's deserializer: the topic holds exactly
 * tshark's packet count (counting each record's {@code following}), both directions of each flow
 * share a key and a partition, the bytes are those of the project's own serializer, and batching
 * off gives one record per packet.
 */
@ExtendWith(EmbeddedCluster.class)
class ReplayIntegrationTest {

    @Test
    void everyLabCaptureArrivesCompleteAndCoPartitioned() throws Exception {
        List<Path> pcaps = LabFiles.pcaps();
        long expected = 0;
        for (Path p : pcaps) {
            expected += Tshark.count(p);
        }
        String topic = EmbeddedCluster.uniqueTopic("packets");
        EmbeddedCluster.createTopic(topic, 4);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CaptureTotals totals = new CaptureAgent(config(topic, pcaps).build(), meters).run();

        assertThat(totals.captured()).isEqualTo(expected);
        assertThat(totals.published()).isEqualTo(expected);
        assertThat(totals.rejectedTotal()).isZero();
        assertThat(totals.droppedTotal()).isZero();
        assertThat(meters.get("ctstream.capture.packets.published").counter().count())
                .isEqualTo(expected);
        // key (15 or 39 bytes) and value (header + at least the fixed fields) of every record, as
        // acked
        assertThat(meters.get("ctstream.capture.bytes.published").counter().count())
                .isGreaterThan(totals.records() * 40.0);

        List<ConsumerRecord<FlowKey, PacketRecord>> records = TopicReader.readAll(topic);
        assertThat(records).hasSize((int) totals.records());
        assertThat((long) records.size())
                .as("batched: fewer records than packets")
                .isLessThan(expected);
        assertThat(meters.get("ctstream.capture.records.published").counter().count())
                .isEqualTo(records.size());
        // the send latency is timed for one record in 64
        assertThat(meters.get("ctstream.capture.send.latency").timer().count())
                .isBetween((long) records.size() / 64, (long) records.size() / 64 + 1);
        double flushed =
                meters.get("ctstream.capture.batches.flushed").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum();
        assertThat(flushed).isEqualTo(records.size());
        assertThat(flushes(meters, FlushReason.HELPER_PAYLOAD))
                .as("FTP/IRC control payload")
                .isPositive();
        assertThat(flushes(meters, FlushReason.SHUTDOWN)).as("end of replay").isPositive();
        assertThat(flushes(meters, FlushReason.AGE)).isPositive();

        Map<FlowKey, Integer> partitionOfKey = new HashMap<>();
        Map<FlowKey, Set<String>> directions = new HashMap<>();
        boolean sawFtpPayload = false;
        boolean sawTftpPayload = false;
        long packets = 0;
        for (ConsumerRecord<FlowKey, PacketRecord> r : records) {
            assertThat(r.timestamp())
                    .as("record time = first packet's")
                    .isEqualTo(r.value().getTimestampMicros() / 1000);
            Integer before = partitionOfKey.putIfAbsent(r.key(), r.partition());
            assertThat(before == null || before == r.partition())
                    .as("one partition per flow")
                    .isTrue();
            long previous = Long.MIN_VALUE;
            for (PacketRecord v : packetsOf(r.value())) {
                packets++;
                assertThat(v.getSensorId()).isEqualTo("lab");
                assertThat(v.getTimestampMicros())
                        .isGreaterThan(1_600_000_000_000_000L)
                        .isGreaterThanOrEqualTo(previous);
                previous = v.getTimestampMicros();
                if (v != r.value()) {
                    assertThat(v.getFollowing()).as("a batched packet's own following").isEmpty();
                }
                byte[] src = bytes(v.getSrc());
                byte[] dst = bytes(v.getDst());
                FlowKey own =
                        FlowKeys.of(
                                v.getIpVersion(),
                                v.getProtocol(),
                                src,
                                v.getSrcPort(),
                                dst,
                                v.getDstPort());
                if (v.getIcmpQuoted() == null) {
                    assertThat(r.key())
                            .as("every packet of a batch is of the record's flow")
                            .isEqualTo(own);
                }
                directions
                        .computeIfAbsent(r.key(), k -> new HashSet<>())
                        .add(java.util.Arrays.toString(src) + v.getSrcPort());
                if (v.getSrcPort() == 21 && v.getPayloadLength() > 0) {
                    sawFtpPayload = true;
                    assertThat(v.getPayload().remaining()).isEqualTo(v.getPayloadLength());
                    // FTP control replies are CRLF-terminated text, and go alone, at once
                    assertThat(new String(bytes(v.getPayload()), StandardCharsets.ISO_8859_1))
                            .endsWith("\r\n");
                    assertThat(r.value().getFollowing()).isEmpty();
                }
                boolean tcpHelperPort =
                        v.getProtocol() == 6
                                && (v.getSrcPort() == 21
                                        || v.getDstPort() == 21
                                        || v.getSrcPort() == 6667
                                        || v.getDstPort() == 6667);
                boolean udpHelperPort =
                        v.getProtocol() == 17 && (v.getSrcPort() == 69 || v.getDstPort() == 69);
                if (udpHelperPort && v.getPayloadLength() > 0) {
                    sawTftpPayload = true; // the tftp scenario's requests
                    assertThat(v.getPayload().remaining()).isEqualTo(v.getPayloadLength());
                }
                if (!tcpHelperPort && !udpHelperPort) {
                    assertThat(v.getPayload().remaining())
                            .as("no payload off helper ports")
                            .isZero();
                }
            }
        }
        assertThat(packets).as("packets in the topic, following included").isEqualTo(expected);
        assertThat(sawFtpPayload).isTrue();
        assertThat(sawTftpPayload).as("a TFTP request's payload, UDP port 69").isTrue();
        // TCP flows that completed a handshake were seen from both ends, under the same key
        long twoWay =
                directions.entrySet().stream()
                        .filter(e -> e.getKey().getProtocol() == 6 && e.getValue().size() == 2)
                        .count();
        assertThat(twoWay).isGreaterThan(pcaps.size());
    }

    @Test
    void aSyntheticReplayLosesNothingAndItsBatchesAreTheSerializersBytes(@TempDir Path dir)
            throws Exception {
        Path pcap = dir.resolve("synth.pcap");
        Synth.write(pcap, 20_000, 3);
        String topic = EmbeddedCluster.uniqueTopic("packets");
        EmbeddedCluster.createTopic(topic, 4);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CaptureTotals totals = new CaptureAgent(config(topic, List.of(pcap)).build(), meters).run();
        assertThat(totals.published()).isEqualTo(20_000);
        assertThat(totals.droppedTotal()).isZero();
        assertThat(totals.packetsPerRecord()).isGreaterThan(2);
        assertThat(flushes(meters, FlushReason.SIZE)).isPositive();

        List<ConsumerRecord<byte[], byte[]>> raw = TopicReader.readRaw(topic);
        assertThat(raw).hasSize((int) totals.records());
        Map<String, Object> serdeConfig =
                Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        long packets = 0;
        long batches = 0;
        try (SpecificAvroSerde<PacketRecord> serde =
                AvroSerdes.specific(PacketRecord.class, serdeConfig, false)) {
            for (ConsumerRecord<byte[], byte[]> r : raw) {
                PacketRecord v = serde.deserializer().deserialize(topic, r.value());
                packets += 1 + v.getFollowing().size();
                batches += v.getFollowing().isEmpty() ? 0 : 1;
                // the agent's hand-laid bytes are what the repository's Avro serializer writes for
                // the same record
                assertThat(serde.serializer().serialize(topic, v)).isEqualTo(r.value());
            }
        }
        assertThat(packets).isEqualTo(20_000);
        assertThat(batches).isPositive();
    }

    @Test
    void batchingOffPublishesOneRecordPerPacketAsBefore() throws Exception {
        List<Path> pcaps = LabFiles.pcaps();
        String topic = EmbeddedCluster.uniqueTopic("packets");
        EmbeddedCluster.createTopic(topic, 2);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CaptureTotals totals =
                new CaptureAgent(config(topic, pcaps).batchPackets(1).build(), meters).run();

        List<ConsumerRecord<FlowKey, PacketRecord>> records = TopicReader.readAll(topic);
        assertThat(records).hasSize((int) totals.published());
        assertThat(totals.records()).isEqualTo(totals.published()).isEqualTo(totals.decoded());
        assertThat(records).allSatisfy(r -> assertThat(r.value().getFollowing()).isEmpty());
        assertThat(meters.get("ctstream.capture.batches.flushed").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    private static CaptureAgentConfig.Builder config(String topic, List<Path> pcaps) {
        Properties client = new Properties();
        client.put("bootstrap.servers", EmbeddedCluster.bootstrapServers());
        client.put("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        return CaptureAgentConfig.builder()
                .sensorId("lab")
                .topic(topic)
                .clientProperties(client)
                .replay(pcaps, 0);
    }

    private static double flushes(SimpleMeterRegistry meters, FlushReason reason) {
        return meters.get("ctstream.capture.batches.flushed")
                .tag("reason", reason.name())
                .counter()
                .count();
    }

    /** The record's packets: the first, then its {@code following}. */
    private static List<PacketRecord> packetsOf(PacketRecord r) {
        List<PacketRecord> all = new java.util.ArrayList<>();
        all.add(r);
        all.addAll(r.getFollowing());
        return all;
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
