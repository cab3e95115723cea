package io.ctstream.streams.query;

import static io.ctstream.streams.query.QueryTestSupport.get;
import static io.ctstream.streams.query.QueryTestSupport.instance;
import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection store survives the loss of the instance and its disk: a new instance with an empty
 * state directory restores it from the changelog topics and answers exactly as before.
 */
@ExtendWith(EmbeddedCluster.class)
class RestartRestoresStateTest {

    @Test
    void aNewInstanceWithAnEmptyStateDirRestoresTheStoreFromTheChangelogs(@TempDir Path tmp)
            throws Exception {
        String prefix = "restore-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        EmbeddedCluster.createTopic(prefix + Topics.PACKETS, 4);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        try (KafkaProducer<FlowKey, PacketRecord> producer =
                new KafkaProducer<>(
                        pp,
                        new FlowKeySerde(),
                        AvroSerdes.specific(
                                        PacketRecord.class,
                                        Map.of(
                                                "schema.registry.url",
                                                EmbeddedCluster.schemaRegistryUrl()),
                                        false)
                                .serializer())) {
            for (PacketRecord p : LabCaptures.read("ftp-multi", "gw")) {
                producer.send(
                        new ProducerRecord<>(
                                prefix + Topics.PACKETS,
                                null,
                                p.getTimestampMicros() / 1000,
                                FlowKeys.of(
                                        p.getIpVersion(),
                                        p.getProtocol(),
                                        FlowKeys.bytes(p.getSrc()),
                                        p.getSrcPort(),
                                        FlowKeys.bytes(p.getDst()),
                                        p.getDstPort()),
                                p));
            }
        }
        JsonNode before;
        JsonNode beforeList;
        try (StreamsApp first = instance(prefix, tmp.resolve("first"))) {
            first.start();
            // lftp: one control connection and six data connections, all closed once every packet
            // is in
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(
                            () ->
                                    get(first, "/connections/counts")
                                                    .path("by_tcp_state")
                                                    .path("TIME_WAIT")
                                                    .asInt()
                                            == 7);
            before = get(first, "/connections/counts");
            beforeList = get(first, "/connections");
        }
        try (StreamsApp second = instance(prefix, tmp.resolve("second-empty"))) {
            second.start();
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> get(second, "/connections/counts").path("total").asInt() == 7);
            assertThat(get(second, "/connections/counts")).isEqualTo(before);
            assertThat(sorted(get(second, "/connections"))).isEqualTo(sorted(beforeList));
        }
    }

    private static java.util.TreeMap<String, JsonNode> sorted(JsonNode list) {
        java.util.TreeMap<String, JsonNode> out = new java.util.TreeMap<>();
        list.forEach(c -> out.put(c.path("id").asText(), c));
        return out;
    }
}
