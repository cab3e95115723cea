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
import io.ctstream.streams.StreamTimeTicks;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.matching.MatcherConfig;
import io.ctstream.streams.testing.LabCaptures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two streams-app instances share four partitions on the real broker: each owns only part of the
 * connection and expectation stores, yet either answers every query for the whole cluster,
 * identically.
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
        // ftp-epsv up to its first 229 reply: the control connection stays open and its expectation
        // live.
        List<PacketRecord> epsv = LabCaptures.read("ftp-epsv", "gw");
        int firstEpsvReply = indexOfPayload(epsv, "229 ");
        packets.addAll(epsv.subList(0, firstEpsvReply + 1));
        Map<String, Object> serde =
                Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl());
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedCluster.bootstrapServers());
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<FlowKey, PacketRecord> producer =
                new KafkaProducer<>(
                        pp,
                        new FlowKeySerde(),
                        AvroSerdes.specific(PacketRecord.class, serde, false).serializer())) {
            for (PacketRecord p : packets) {
                producer.send(
                        new ProducerRecord<>(
                                packetsTopic,
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

        // All packets are in the topic before the instances start, so one partition's stream time
        // can run a
        // minute (the span of the captures) ahead of another's: a grace that covers it keeps
        // matching exact.
        MatcherConfig matcher = new MatcherConfig(Duration.ofMinutes(2).toNanos() / 1000, 64, 64);
        try (StreamsApp a = instance(prefix, tmp.resolve("a"), matcher);
                StreamsApp b = instance(prefix, tmp.resolve("b"), matcher)) {
            a.start();
            b.start();
            await().atMost(Duration.ofSeconds(90))
                    .until(
                            () ->
                                    a.streams().state() == KafkaStreams.State.RUNNING
                                            && b.streams().state() == KafkaStreams.State.RUNNING
                                            && a.streams().metadataForLocalThreads().stream()
                                                            .mapToInt(t -> t.activeTasks().size())
                                                            .sum()
                                                    > 0
                                            && b.streams().metadataForLocalThreads().stream()
                                                            .mapToInt(t -> t.activeTasks().size())
                                                            .sum()
                                                    > 0);
            // Every connection of the four whole captures is in the cluster (3 + 3 + 2 + 3) and
            // every
            // packet has been processed (all of them closed: TIME_WAIT), plus the open ftp-epsv
            // control.
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(
                            () ->
                                    get(a, "/connections/counts")
                                                            .path("by_tcp_state")
                                                            .path("TIME_WAIT")
                                                            .asInt()
                                                    == 11
                                            && get(a, "/connections/counts").path("total").asInt()
                                                    == 12);

            JsonNode countsA = get(a, "/connections/counts");
            JsonNode countsB = get(b, "/connections/counts");
            assertThat(countsB).isEqualTo(countsA);
            assertThat(ids(get(b, "/connections"))).isEqualTo(ids(get(a, "/connections")));
            assertThat(ids(get(a, "/connections?port=21")))
                    .as("the four FTP control connections")
                    .hasSize(4)
                    .isEqualTo(ids(get(b, "/connections?port=21")));

            // A key lookup is routed to the owner; both instances give the same connection.
            String lookup =
                    "/connections/lookup?proto=tcp&src=10.77.2.2&sport=21&dst=10.77.1.2&dport="
                            + get(a, "/connections?port=21&state=ESTABLISHED&limit=1")
                                    .get(0)
                                    .path("orig")
                                    .path("sport")
                                    .asInt();
            JsonNode viaA = get(a, lookup);
            assertThat(get(b, lookup)).isEqualTo(viaA);
            assertThat(get(b, "/connections/" + viaA.path("id").asText())).isEqualTo(viaA);

            // Partitions really are split: neither instance holds every connection locally.
            int localA = get(a, "/connections/counts?local=true").path("total").asInt();
            int localB = get(b, "/connections/counts?local=true").path("total").asInt();
            assertThat(localA + localB).isEqualTo(12);
            assertThat(localA).isPositive().isLessThan(12);

            // The matcher makes a claim final after its grace of stream time: tick past it, as the
            // end of a replay does.
            try (Admin admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    EmbeddedCluster.bootstrapServers()))) {
                StreamTimeTicks.send(admin, a.config());
            }
            // Only the truncated session's expectation is still live: the others were fulfilled.
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> get(a, "/expectations").size() == 1);
            JsonNode live = get(a, "/expectations");
            assertThat(get(b, "/expectations")).isEqualTo(live);
            JsonNode pending = live.get(0);
            assertThat(pending.path("helper").asText()).isEqualTo("ftp");
            assertThat(pending.path("direction").asText()).isEqualTo("reply");
            assertThat(pending.path("outcome").asText()).isEqualTo("pending");
            assertThat(pending.path("expected").path("dst").asText()).isEqualTo("10.77.2.2");
            assertThat(pending.path("expected").path("sport").asText()).isEqualTo("*");
            String epsvMaster = pending.path("master_id").asText();
            assertThat(get(b, "/connections/" + epsvMaster).path("orig").path("dport").asInt())
                    .isEqualTo(21);
            assertThat(get(b, "/expectations?master=" + epsvMaster)).isEqualTo(live);
            assertThat(get(a, "/expectations?helper=irc")).isEmpty();
            assertThat(get(a, "/expectations?master=0000000000000000"))
                    .isEmpty(); // a well-formed id of no master

            // A master lists its children from wherever they live: ftp-passive's control has its
            // two data connections.
            PacketRecord passiveSyn = packets.get(0);
            assertThat(passiveSyn.getDstPort())
                    .as("ftp-passive opens with its control SYN")
                    .isEqualTo(21);
            String passiveMaster =
                    get(
                                    a,
                                    "/connections/lookup?proto=tcp&src=10.77.1.2&sport="
                                            + passiveSyn.getSrcPort()
                                            + "&dst=10.77.2.2&dport=21")
                            .path("id")
                            .asText();
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> get(a, "/connections/" + passiveMaster + "/related").size() == 2);
            JsonNode children = get(a, "/connections/" + passiveMaster + "/related");
            assertThat(ids(get(b, "/connections/" + passiveMaster + "/related")))
                    .isEqualTo(ids(children));
            for (JsonNode child : children) {
                assertThat(child.path("master_id").asText()).isEqualTo(passiveMaster);
                assertThat(child.path("helper").isNull()).isTrue();
                assertThat(child.path("status").toString()).contains("EXPECTED");
                assertThat(child.path("orig").path("dst").asText()).isEqualTo("10.77.2.2");
            }
            assertThat(get(b, "/connections?master=" + passiveMaster).size()).isEqualTo(2);
            assertThat(get(a, "/connections/" + epsvMaster + "/related")).isEmpty();
        }
    }

    /** Index of the first packet whose payload starts with {@code text}. */
    private static int indexOfPayload(List<PacketRecord> packets, String text) {
        for (int i = 0; i < packets.size(); i++) {
            byte[] payload = FlowKeys.bytes(packets.get(i).getPayload());
            if (new String(payload, java.nio.charset.StandardCharsets.US_ASCII).startsWith(text)) {
                return i;
            }
        }
        throw new AssertionError("no packet starts with " + text);
    }

    private static TreeSet<String> ids(JsonNode list) {
        TreeSet<String> out = new TreeSet<>();
        list.forEach(c -> out.add(c.path("id").asText()));
        return out;
    }
}
