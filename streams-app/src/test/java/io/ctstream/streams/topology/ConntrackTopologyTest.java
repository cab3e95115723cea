package io.ctstream.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.PacketRecord;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.inprocess.InProcessPipeline;
import io.ctstream.streams.testing.DriverConfigs;
import io.ctstream.streams.testing.LabCaptures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole topology on Kafka Streams' test driver, as {@code ctstream analyze} runs it ({@link
 * InProcessPipeline}: records flow through the real processors, stores and the feedback loop; the
 * registry is the real one): a lab capture in, conntrack events and expectation lifecycle out.
 */
@ExtendWith(EmbeddedCluster.class)
class ConntrackTopologyTest {

    private static final Path LAB = Path.of("..", "testdata", "lab");

    private record Outputs(
            List<ConnectionEvent> connections, List<ExpectationEvent> expectations) {}

    private Outputs run(String scenario, HelperMode mode) throws Exception {
        String prefix = "ttd-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        StreamsAppConfig config = DriverConfigs.forDriver(prefix, mode);
        String topic = config.topic(Topics.PACKETS);
        try (InProcessPipeline pipeline = new InProcessPipeline(config, new SimpleMeterRegistry());
                FlowKeySerde keys = new FlowKeySerde();
                var values =
                        AvroSerdes.specific(
                                        PacketRecord.class,
                                        Map.of("schema.registry.url", config.schemaRegistryUrl()),
                                        false)
                                .serializer()) {
            for (PacketRecord p : LabCaptures.read(LAB.resolve(scenario + ".pcap"), "gw")) {
                FlowKey key =
                        FlowKeys.of(
                                p.getIpVersion(),
                                p.getProtocol(),
                                bytes(p.getSrc()),
                                p.getSrcPort(),
                                bytes(p.getDst()),
                                p.getDstPort());
                pipeline.pipe(
                        keys.serialize(topic, key),
                        values.serialize(topic, p),
                        p.getTimestampMicros() / 1000);
            }
            // end of input: the tick that moves the matcher's stream time past the grace (see
            // StreamTimeTicks)
            pipeline.end();
            return new Outputs(pipeline.connectionEvents(), pipeline.expectationEvents());
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        return FlowKeys.bytes(b);
    }

    @Test
    void passiveFtpDataConnectionsBecomeRelatedToTheControlConnection() throws Exception {
        Outputs out = run("ftp-passive", HelperMode.KERNEL);

        List<ExpectationEvent> created =
                out.expectations().stream()
                        .filter(e -> e.getType() == ExpectationEventType.CREATED)
                        .toList();
        List<ExpectationEvent> fulfilled =
                out.expectations().stream()
                        .filter(e -> e.getType() == ExpectationEventType.FULFILLED)
                        .toList();
        assertThat(created).hasSize(2).allMatch(e -> e.getHelper().equals("ftp"));
        assertThat(fulfilled).hasSize(2);

        List<ConnectionEvent> related =
                out.connections().stream()
                        .filter(
                                e ->
                                        e.getType() == ConnectionEventType.UPDATE
                                                && "related".equals(e.getReason()))
                        .toList();
        assertThat(related)
                .hasSize(2)
                .allSatisfy(
                        e -> {
                            assertThat(e.getConnection().getMaster()).isNotNull();
                            assertThat(e.getConnection().getMaster().getOrig().getDstPort())
                                    .isEqualTo(21);
                        });
        assertThat(out.connections())
                .filteredOn(e -> e.getType() == ConnectionEventType.NEW)
                .hasSize(3);
    }

    @Test
    void secondPasvEvictsTheFirstExpectation() throws Exception {
        Outputs out = run("ftp-pasv-twice", HelperMode.KERNEL);
        assertThat(out.expectations())
                .extracting(ExpectationEvent::getType)
                .contains(ExpectationEventType.EVICTED, ExpectationEventType.FULFILLED);
    }
}
