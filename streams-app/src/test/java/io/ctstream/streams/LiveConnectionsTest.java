package io.ctstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.Connection;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.tracking.LocalConnectionStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What StreamsApp exposes so that no other module names the tracker's stores: the live connections
 * and the store's size; and the connections-by-state gauges, which run without a query server.
 */
@ExtendWith(EmbeddedCluster.class)
class LiveConnectionsTest {

    @Test
    void liveConnectionsAndGaugesWithoutAQueryServer(@TempDir Path state) throws Exception {
        String prefix = "live-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String packets = prefix + Topics.PACKETS;
        EmbeddedCluster.createTopic(packets, 1);
        FlowKey key =
                FlowKeys.of(4, 17, new byte[] {10, 0, 0, 1}, 5353, new byte[] {10, 0, 0, 2}, 53);
        PacketRecord packet =
                PacketRecord.newBuilder()
                        .setSensorId("s1")
                        .setTimestampMicros(1_795_000_000_000_000L)
                        .setIpVersion(4)
                        .setSrc(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                        .setDst(ByteBuffer.wrap(new byte[] {10, 0, 0, 2}))
                        .setProtocol(17)
                        .setIpTotalLength(60)
                        .setSrcPort(5353)
                        .setDstPort(53)
                        .setPayloadLength(32)
                        .setPayload(ByteBuffer.allocate(0))
                        .build();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        var values =
                AvroSerdes.specific(
                                PacketRecord.class,
                                Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl()),
                                false)
                        .serializer();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    packets,
                                    new FlowKeySerde().serialize(packets, key),
                                    values.serialize(packets, packet)))
                    .get();
        }

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (StreamsApp app =
                new StreamsApp(
                        StreamsAppConfig.builder()
                                .applicationId(prefix + "app")
                                .bootstrapServers(EmbeddedCluster.bootstrapServers())
                                .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                                .topicPrefix(prefix)
                                .partitions(1)
                                .stateDir(state)
                                .build(),
                        meters)) {
            app.start();
            assertThat(app.queryPort()).as("no query server").isEqualTo(-1);
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> app.liveConnections().size() == 1);
            List<Connection> live = app.liveConnections();
            assertThat(live.get(0).getOrig().getDstPort()).isEqualTo(53);
            LocalConnectionStore.Size size = app.connectionStoreSize();
            assertThat(size.connections()).isEqualTo(1);
            assertThat(size.encodedBytes()).isPositive();
            // the gauges count the local store every 5 s, query server or not
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> {
                                Gauge g =
                                        meters.find("ctstream.connections")
                                                .tag("ct_state", "NEW")
                                                .gauge();
                                return g != null && g.value() == 1.0;
                            });
        }
    }
}
