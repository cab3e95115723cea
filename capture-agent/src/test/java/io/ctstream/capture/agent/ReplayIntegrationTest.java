package io.ctstream.capture.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.conformance.Tshark;
import io.ctstream.capture.decode.FlowKeys;
import io.ctstream.capture.robustness.LabFiles;
import io.ctstream.embedded.junit.EmbeddedCluster;
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

/**
 * Replays every lab capture through the agent into the real embedded broker and registry: the
 * topic holds exactly tshark's packet count, readable through the serde, and both directions of
 * each flow share a key and a partition.
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
        Properties client = new Properties();
        client.put("bootstrap.servers", EmbeddedCluster.bootstrapServers());
        client.put("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CaptureAgentConfig config = CaptureAgentConfig.builder().sensorId("lab").topic(topic).clientProperties(client)
                .replay(pcaps, 0).build();
        CaptureTotals totals = new CaptureAgent(config, meters).run();

        assertThat(totals.captured()).isEqualTo(expected);
        assertThat(totals.published()).isEqualTo(expected);
        assertThat(totals.rejectedTotal()).isZero();
        assertThat(totals.droppedTotal()).isZero();
        assertThat(meters.get("ctstream.capture.packets.published").counter().count()).isEqualTo(expected);
        // key (15 or 39 bytes) and value (header + at least the fixed fields) of every record, as acked
        assertThat(meters.get("ctstream.capture.bytes.published").counter().count()).isGreaterThan(expected * 40.0);
        // the send latency is timed for one record in 64
        assertThat(meters.get("ctstream.capture.send.latency").timer().count())
                .isBetween(expected / 64, expected / 64 + 1);

        List<ConsumerRecord<FlowKey, PacketRecord>> records = TopicReader.readAll(topic);
        assertThat(records).hasSize((int) expected);

        Map<FlowKey, Integer> partitionOfKey = new HashMap<>();
        Map<FlowKey, Set<String>> directions = new HashMap<>();
        boolean sawFtpPayload = false;
        for (ConsumerRecord<FlowKey, PacketRecord> r : records) {
            PacketRecord v = r.value();
            assertThat(v.getSensorId()).isEqualTo("lab");
            assertThat(v.getTimestampMicros()).isGreaterThan(1_600_000_000_000_000L);
            byte[] src = bytes(v.getSrc());
            byte[] dst = bytes(v.getDst());
            FlowKey own = FlowKeys.canonical(v.getIpVersion(), v.getProtocol(), src, 0, v.getSrcPort(), dst, 0,
                    v.getDstPort(), src.length);
            assertThat(r.key()).isEqualTo(own);
            Integer before = partitionOfKey.putIfAbsent(r.key(), r.partition());
            assertThat(before == null || before == r.partition()).as("one partition per flow").isTrue();
            directions.computeIfAbsent(r.key(), k -> new HashSet<>()).add(java.util.Arrays.toString(src) + v.getSrcPort());
            if (v.getSrcPort() == 21 && v.getPayloadLength() > 0) {
                sawFtpPayload = true;
                assertThat(v.getPayload().remaining()).isEqualTo(v.getPayloadLength());
                // FTP control replies are CRLF-terminated text
                assertThat(new String(bytes(v.getPayload()), StandardCharsets.ISO_8859_1)).endsWith("\r\n");
            }
            if (v.getSrcPort() != 21 && v.getDstPort() != 21 && v.getSrcPort() != 6667 && v.getDstPort() != 6667) {
                assertThat(v.getPayload().remaining()).as("no payload off helper ports").isZero();
            }
        }
        assertThat(sawFtpPayload).isTrue();
        // TCP flows that completed a handshake were seen from both ends, under the same key
        long twoWay = directions.entrySet().stream().filter(e -> e.getKey().getProtocol() == 6 && e.getValue().size() == 2)
                .count();
        assertThat(twoWay).isGreaterThan(pcaps.size());
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
