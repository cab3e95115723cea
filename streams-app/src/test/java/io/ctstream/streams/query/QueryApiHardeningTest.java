package io.ctstream.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.avro.Connection;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.json.JsonViews;
import io.ctstream.streams.testing.LabCaptures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API as a network service (issue 18): a token, a bind address apart from the advertised
 * one, the limit cap and paging, strict ids and addresses, and 503 with Retry-After while stores
 * are not queryable.
 */
@ExtendWith(EmbeddedCluster.class)
class QueryApiHardeningTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "a-test-token-0123456789";

    @Test
    void aNetworkFitQueryApi(@TempDir Path tmp) throws Exception {
        String prefix = "iqh-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String packetsTopic = prefix + Topics.PACKETS;
        EmbeddedCluster.createTopic(packetsTopic, 2);
        List<PacketRecord> packets = new ArrayList<>();
        for (String sc : List.of("ftp-passive", "ftp-active")) {
            packets.addAll(LabCaptures.read(Path.of("..", "testdata", "lab", sc + ".pcap"), "gw"));
        }
        produce(packetsTopic, packets);
        StreamsApp app =
                new StreamsApp(
                        StreamsAppConfig.builder()
                                .applicationId(prefix + "app")
                                .bootstrapServers(EmbeddedCluster.bootstrapServers())
                                .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                                .topicPrefix(prefix)
                                .stateDir(tmp)
                                .queryHost("127.0.0.2")
                                .queryBindHost("127.0.0.1")
                                .queryToken(TOKEN)
                                .queryPort(0)
                                .build(),
                        new SimpleMeterRegistry());
        try (app) {
            app.start();
            int port = app.queryPort();
            await().atMost(Duration.ofSeconds(90))
                    .until(
                            () ->
                                    app.streams().state() == KafkaStreams.State.RUNNING
                                            && get(port, "/connections/counts", TOKEN).statusCode()
                                                    == 200
                                            && JsonViews.MAPPER
                                                            .readTree(
                                                                    get(
                                                                                    port,
                                                                                    "/connections/counts",
                                                                                    TOKEN)
                                                                            .body())
                                                            .path("total")
                                                            .asLong()
                                                    >= 4);
            // and every packet processed: the paging checks below read the table twice and need it
            // to hold still
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                long total =
                                        JsonViews.MAPPER
                                                .readTree(
                                                        get(port, "/connections/counts", TOKEN)
                                                                .body())
                                                .path("total")
                                                .asLong();
                                boolean still = total == last[0];
                                last[0] = total;
                                return still;
                            });

            // bound to 127.0.0.1 only, though 127.0.0.2 is what the other instances are told
            assertThatThrownBy(
                            () ->
                                    HTTP.send(
                                            HttpRequest.newBuilder(
                                                            URI.create(
                                                                    "http://127.0.0.2:"
                                                                            + port
                                                                            + "/health"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(ConnectException.class);

            // token: none or a wrong one is a 401 everywhere but /health
            assertThat(get(port, "/health", null).statusCode()).isEqualTo(200);
            for (String path :
                    List.of(
                            "/connections",
                            "/connections/counts",
                            "/expectations",
                            "/metrics",
                            "/connections/0123456789abcdef")) {
                HttpResponse<String> r = get(port, path, null);
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate"))
                        .hasValue("Bearer realm=\"ctstream\"");
                assertThat(get(port, path, "not-the-token").statusCode()).as(path).isEqualTo(401);
            }

            // limit capped, pages with offset
            assertThat(status(port, "/connections?limit=2147483647")).isEqualTo(400);
            assertThat(status(port, "/connections?limit=1001")).isEqualTo(400);
            assertThat(status(port, "/connections?limit=0")).isEqualTo(400);
            assertThat(status(port, "/connections?offset=-1")).isEqualTo(400);
            assertThat(status(port, "/connections?offset=100001")).isEqualTo(400);
            assertThat(status(port, "/expectations?limit=2147483647")).isEqualTo(400);
            assertThat(status(port, "/connections?limit=1000")).isEqualTo(200);
            JsonNode all = json(port, "/connections?limit=1000");
            assertThat(all.size()).isGreaterThanOrEqualTo(4);
            HttpResponse<String> first = get(port, "/connections?limit=2", TOKEN);
            assertThat(first.headers().firstValue("X-Next-Offset")).hasValue("2");
            JsonNode second = json(port, "/connections?limit=2&offset=2");
            assertThat(JsonViews.MAPPER.readTree(first.body()))
                    .containsExactly(all.get(0), all.get(1));
            assertThat(second).containsExactly(all.get(2), all.get(3));
            assertThat(json(port, "/connections?offset=" + all.size())).isEmpty();

            // ids: 16 hex characters, nothing else reaches a URL
            String id = all.get(0).path("id").asText();
            assertThat(json(port, "/connections/" + id).path("id").asText()).isEqualTo(id);
            for (String bad :
                    List.of(
                            "x%3Flocal%3Dfalse%26",
                            "a%20b", id.toUpperCase(), id + "0", "..%2F..%2Fmetrics")) {
                HttpResponse<String> r = get(port, "/connections/" + bad, TOKEN);
                assertThat(r.statusCode()).as(bad).isEqualTo(400);
                assertThat(r.body()).doesNotContain("127.0.0.");
                if (!bad.contains(
                        "%2F")) { // an encoded slash is refused by Jetty itself, before any route
                    assertThat(r.body()).as(bad).contains("16 hex characters");
                }
                assertThat(get(port, "/connections/" + bad + "/related", TOKEN).statusCode())
                        .as(bad)
                        .isEqualTo(400);
            }
            assertThat(status(port, "/connections?master=x%26local%3Dtrue")).isEqualTo(400);
            assertThat(status(port, "/expectations?master=nope")).isEqualTo(400);

            // addresses: literals only, a host name is a 400 (no DNS)
            for (String host :
                    List.of(
                            "example.com",
                            "localhost",
                            "abc",
                            "deadbeef",
                            "1.2",
                            "10.0.0.256",
                            "::g")) {
                assertThat(status(port, "/connections?address=" + host)).as(host).isEqualTo(400);
                assertThat(
                                status(
                                        port,
                                        "/connections/lookup?proto=tcp&src="
                                                + host
                                                + "&sport=1&dst=10.0.0.1&dport=21"))
                        .as(host)
                        .isEqualTo(400);
            }
            assertThat(status(port, "/connections?address=10.77.1.2")).isEqualTo(200);
            assertThat(status(port, "/connections?address=2001:db8::1")).isEqualTo(200);
        }
    }

    @Test
    void storesNotQueryableAre503WithRetryAfter() throws Exception {
        // a real KafkaStreams that has not started: its stores answer as during a rebalance
        StreamsBuilder b = new StreamsBuilder();
        b.table(
                "t-" + UUID.randomUUID(),
                Materialized.<FlowKey, Connection, KeyValueStore<Bytes, byte[]>>as("conns"));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "not-started-" + UUID.randomUUID());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            InstanceRouter router = new InstanceRouter(streams, new HostInfo("127.0.0.1", 1));
            ConnectionQueries<Connection> connections =
                    new ConnectionQueries<>(streams, "conns", c -> c, router);
            ExpectationQueries expectations =
                    new ExpectationQueries(streams, "expectations", router);
            try (QueryServer server = new QueryServer(connections, expectations, null)) {
                int port = server.start("127.0.0.1", 0);
                for (String path :
                        List.of(
                                "/connections",
                                "/connections/counts",
                                "/expectations",
                                "/connections/0123456789abcdef",
                                "/connections/lookup?proto=tcp&src=10.0.0.1&sport=1&dst=10.0.0.2&dport=21")) {
                    HttpResponse<String> r = get(port, path, null);
                    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(503);
                    assertThat(r.headers().firstValue("Retry-After")).as(path).hasValue("1");
                    assertThat(JsonViews.MAPPER.readTree(r.body()).path("status").asInt())
                            .isEqualTo(503);
                }
            }
        }
    }

    private static void produce(String topic, List<PacketRecord> packets) {
        Map<String, Object> serde =
                Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        try (KafkaProducer<FlowKey, PacketRecord> producer =
                new KafkaProducer<>(
                        pp,
                        new FlowKeySerde(),
                        AvroSerdes.specific(PacketRecord.class, serde, false).serializer())) {
            for (PacketRecord r : packets) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                r.getTimestampMicros() / 1000,
                                FlowKeys.of(
                                        r.getIpVersion(),
                                        r.getProtocol(),
                                        FlowKeys.bytes(r.getSrc()),
                                        r.getSrcPort(),
                                        FlowKeys.bytes(r.getDst()),
                                        r.getDstPort()),
                                r));
            }
        }
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder r =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(int port, String path) throws Exception {
        return get(port, path, TOKEN).statusCode();
    }

    private static JsonNode json(int port, String path) throws Exception {
        HttpResponse<String> r = get(port, path, TOKEN);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JsonViews.MAPPER.readTree(r.body());
    }
}
