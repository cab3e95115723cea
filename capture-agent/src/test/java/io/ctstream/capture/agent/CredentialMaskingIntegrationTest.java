package io.ctstream.capture.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.conformance.Tshark;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Lab FTP sessions that log in with {@code PASS lab@example.invalid} and {@code PASS lftp@},
 * replayed into the embedded broker and read back with a real consumer: no password is in the
 * topic, each PASS line is filler of the same length, every payload keeps its length, and the
 * maskings are counted.
 */
@ExtendWith(EmbeddedCluster.class)
class CredentialMaskingIntegrationTest {

    @Test
    void passIsMaskedInThePacketsTopic() throws Exception {
        List<Path> pcaps =
                List.of(
                        Path.of("../testdata/lab/ftp-pipelined.pcap"),
                        Path.of("../testdata/lab/ftp-proftpd.pcap"));
        long expected = 0;
        for (Path p : pcaps) {
            expected += Tshark.count(p);
        }
        String topic = EmbeddedCluster.uniqueTopic("packets");
        EmbeddedCluster.createTopic(topic, 2);
        Properties client = new Properties();
        client.put("bootstrap.servers", EmbeddedCluster.bootstrapServers());
        client.put("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CaptureTotals totals =
                new CaptureAgent(
                                CaptureAgentConfig.builder()
                                        .sensorId("lab")
                                        .topic(topic)
                                        .clientProperties(client)
                                        .replay(pcaps, 0)
                                        .build(),
                                meters)
                        .run();
        assertThat(totals.published()).isEqualTo(expected);

        StringBuilder clientText = new StringBuilder();
        for (ConsumerRecord<FlowKey, PacketRecord> r : TopicReader.readAll(topic)) {
            List<PacketRecord> packets = new ArrayList<>();
            packets.add(r.value());
            packets.addAll(r.value().getFollowing());
            for (PacketRecord v : packets) {
                ByteBuffer payload = v.getPayload().duplicate();
                byte[] b = new byte[payload.remaining()];
                payload.get(b);
                if (v.getDstPort() == 21) {
                    assertThat(b.length)
                            .as("the whole payload, masked or not")
                            .isEqualTo(v.getPayloadLength());
                    clientText.append(new String(b, StandardCharsets.ISO_8859_1));
                }
            }
        }
        assertThat(clientText.toString())
                .contains(
                        "USER anonymous\r\n",
                        "PASS *******************\r\n",
                        "PASS *****\r\n",
                        "PASV\r\n")
                .doesNotContain("lab@example.invalid", "lftp@");
        double masked =
                meters.get("ctstream.capture.credentials.masked")
                        .tag("command", "PASS")
                        .counter()
                        .count();
        assertThat(masked)
                .as("one per PASS segment sent (retransmissions included)")
                .isGreaterThanOrEqualTo(2);
    }
}
