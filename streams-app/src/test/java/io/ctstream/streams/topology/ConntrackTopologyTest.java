package io.ctstream.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.StreamsProperties;
import io.ctstream.streams.testing.DriverConfigs;
import io.ctstream.streams.testing.LabCaptures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole topology on Kafka Streams' test driver (records flow through the real processors,
 * stores and the feedback loop; the registry is the real one): a lab capture in, conntrack events
 * and expectation lifecycle out.
 */
@ExtendWith(EmbeddedCluster.class)
class ConntrackTopologyTest {

    private static final Path LAB = Path.of("..", "testdata", "lab");

    private record Outputs(List<ConnectionEvent> connections, List<ExpectationEvent> expectations) {
    }

    private Outputs run(String scenario, HelperMode mode) throws Exception {
        String prefix = "ttd-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        StreamsAppConfig config = DriverConfigs.forDriver(prefix, mode);
        Properties props = StreamsProperties.build(config, new SimpleMeterRegistry());
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", config.schemaRegistryUrl());
        try (TopologyTestDriver driver = new TopologyTestDriver(ConntrackTopology.build(config, new SimpleMeterRegistry()), props)) {
            TestInputTopic<FlowKey, PacketRecord> packets = driver.createInputTopic(config.topic(Topics.PACKETS),
                    new FlowKeySerde(), AvroSerdes.specific(PacketRecord.class, serdeConfig, false).serializer());
            TestOutputTopic<FlowKey, ConnectionEvent> connEvents = driver.createOutputTopic(config.topic(Topics.CONN_EVENTS),
                    new FlowKeySerde(), AvroSerdes.specific(ConnectionEvent.class, serdeConfig, false).deserializer());
            TestOutputTopic<String, ExpectationEvent> expectations = driver.createOutputTopic(config.topic(Topics.EXPECTATIONS),
                    Serdes.String().deserializer(), AvroSerdes.specific(ExpectationEvent.class, serdeConfig, false).deserializer());
            long last = 0;
            for (PacketRecord p : LabCaptures.read(LAB.resolve(scenario + ".pcap"), "gw")) {
                packets.pipeInput(FlowKeys.of(p.getIpVersion(), p.getProtocol(), bytes(p.getSrc()), p.getSrcPort(),
                        bytes(p.getDst()), p.getDstPort()), p, p.getTimestampMicros() / 1000);
                last = Math.max(last, p.getTimestampMicros() / 1000);
            }
            // End of input: a tick moves the matcher's stream time past the grace (see StreamTimeTicks).
            driver.createInputTopic(config.topic(ConntrackTopology.MATCH_TOPIC), Serdes.String().serializer(),
                            AvroSerdes.specific(MatchInput.class, serdeConfig, false).serializer())
                    .pipeInput("tick", new MatchInput(null, null, null), last + config.matcher().graceMicros() / 1000 + 1000);
            return new Outputs(connEvents.readValuesToList(), expectations.readValuesToList());
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        return FlowKeys.bytes(b);
    }

    @Test
    void passiveFtpDataConnectionsBecomeRelatedToTheControlConnection() throws Exception {
        Outputs out = run("ftp-passive", HelperMode.KERNEL);

        List<ExpectationEvent> created = out.expectations().stream().filter(e -> e.getType() == ExpectationEventType.CREATED).toList();
        List<ExpectationEvent> fulfilled = out.expectations().stream().filter(e -> e.getType() == ExpectationEventType.FULFILLED).toList();
        assertThat(created).hasSize(2).allMatch(e -> e.getHelper().equals("ftp"));
        assertThat(fulfilled).hasSize(2);

        List<ConnectionEvent> related = out.connections().stream()
                .filter(e -> e.getType() == ConnectionEventType.UPDATE && "related".equals(e.getReason())).toList();
        assertThat(related).hasSize(2).allSatisfy(e -> {
            assertThat(e.getConnection().getMaster()).isNotNull();
            assertThat(e.getConnection().getMaster().getOrig().getDstPort()).isEqualTo(21);
        });
        assertThat(out.connections()).filteredOn(e -> e.getType() == ConnectionEventType.NEW).hasSize(3);
    }

    @Test
    void secondPasvEvictsTheFirstExpectation() throws Exception {
        Outputs out = run("ftp-pasv-twice", HelperMode.KERNEL);
        assertThat(out.expectations()).extracting(ExpectationEvent::getType)
                .contains(ExpectationEventType.EVICTED, ExpectationEventType.FULFILLED);
    }
}
