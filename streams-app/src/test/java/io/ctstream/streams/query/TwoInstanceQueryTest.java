package io.ctstream.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static io.ctstream.streams.query.QueryTestSupport.get;
import static io.ctstream.streams.query.QueryTestSupport.instance;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.testing.LabCaptures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two streams-app instances share four partitions on the real broker: each owns only part of the
 * connection store, yet either answers every query for the whole cluster, identically.
 */
@ExtendWith(EmbeddedCluster.class)
class TwoInstanceQueryTest {

    @Test
    void eitherInstanceAnswersForTheWholeCluster(@TempDir Path tmp) throws Exception {
        String prefix = "iq-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String packetsTopic = prefix + Topics.PACKETS;
        EmbeddedCluster.createTopic(packetsTopic, 4);
        List<PacketRecord> packets = new ArrayList<>();
        for (String sc : List.of("ftp-passive", "ftp-active", "irc-dcc-send", "ftp-epsv6")) {
            packets.addAll(LabCaptures.read(Path.of("..", "testdata", "lab", sc + ".pcap"), "gw"));
        }
        Map<String, Object> serde = Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<FlowKey, PacketRecord> producer = new KafkaProducer<>(pp, new FlowKeySerde(),
                AvroSerdes.specific(PacketRecord.class, serde, false).serializer())) {
            for (PacketRecord p : packets) {
                producer.send(new ProducerRecord<>(packetsTopic, null, p.getTimestampMicros() / 1000,
                        FlowKeys.of(p.getIpVersion(), p.getProtocol(), FlowKeys.bytes(p.getSrc()), p.getSrcPort(),
                                FlowKeys.bytes(p.getDst()), p.getDstPort()), p));
            }
        }

        try (StreamsApp a = instance(prefix, tmp.resolve("a")); StreamsApp b = instance(prefix, tmp.resolve("b"))) {
            a.start();
            b.start();
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    a.streams().state() == KafkaStreams.State.RUNNING && b.streams().state() == KafkaStreams.State.RUNNING
                            && a.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() > 0
                            && b.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() > 0);
            // Every connection of the four captures is in the cluster (3 + 3 + 2 + 3) and every
            // packet has been processed (all of them closed: TIME_WAIT).
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> get(a, "/connections/counts").path("by_tcp_state").path("TIME_WAIT").asInt() == 11);

            JsonNode countsA = get(a, "/connections/counts");
            JsonNode countsB = get(b, "/connections/counts");
            assertThat(countsB).isEqualTo(countsA);
            assertThat(ids(get(b, "/connections"))).isEqualTo(ids(get(a, "/connections")));
            assertThat(ids(get(a, "/connections?port=21"))).as("the three FTP control connections").hasSize(3).isEqualTo(ids(get(b, "/connections?port=21")));

            // A key lookup is routed to the owner; both instances give the same connection.
            String lookup = "/connections/lookup?proto=tcp&src=10.77.2.2&sport=21&dst=10.77.1.2&dport="
                    + get(a, "/connections?port=21&state=ESTABLISHED&limit=1").get(0).path("orig").path("sport").asInt();
            JsonNode viaA = get(a, lookup);
            assertThat(get(b, lookup)).isEqualTo(viaA);
            assertThat(get(b, "/connections/" + viaA.path("id").asText())).isEqualTo(viaA);

            // Partitions really are split: neither instance holds every connection locally.
            int localA = get(a, "/connections/counts?local=true").path("total").asInt();
            int localB = get(b, "/connections/counts?local=true").path("total").asInt();
            assertThat(localA + localB).isEqualTo(11);
            assertThat(localA).isPositive().isLessThan(11);
        }
    }

    private static TreeSet<String> ids(JsonNode list) {
        TreeSet<String> out = new TreeSet<>();
        list.forEach(c -> out.add(c.path("id").asText()));
        return out;
    }
}
