package io.ctstream.streams.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.StatusFlag;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.conntrack.PacketFlowKeys;
import io.ctstream.streams.inprocess.InProcessPipeline;
import io.ctstream.streams.testing.DriverConfigs;
import io.ctstream.streams.testing.LabCaptures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 17 item 2: a data connection that fulfilled an expectation and is later destroyed
 * (TIME_WAIT or CLOSE expiry) keeps, in its last connection event, its master, its EXPECTED status
 * and its expectation id, as the kernel's conntrack entry does until it is gone.
 */
@ExtendWith(EmbeddedCluster.class)
class DestroyedRelatedConnectionTest {

    @ParameterizedTest(name = "{0}, {1} mode")
    @CsvSource({
        "ftp-passive, ROBUST",
        "ftp-passive, KERNEL",
        "ftp-active, ROBUST",
        "ftp-multi, ROBUST",
        "ftp-fast-connect, ROBUST",
        "irc-dcc-send, ROBUST"
    })
    void aFulfilledDataConnectionKeepsItsMasterInItsDestroyEvent(String scenario, HelperMode mode)
            throws Exception {
        List<PacketRecord> records = new ArrayList<>(LabCaptures.read(scenario, "gw"));
        // a late, unrelated packet: stream time runs past every timeout of the capture's
        // connections
        PacketRecord last = records.get(records.size() - 1);
        records.add(
                PacketRecord.newBuilder(last)
                        .setTimestampMicros(last.getTimestampMicros() + 3_600_000_000L)
                        .setProtocol(17)
                        .setSrc(ByteBuffer.wrap(new byte[] {10, 99, 0, 1}))
                        .setDst(ByteBuffer.wrap(new byte[] {10, 99, 0, 2}))
                        .setSrcPort(1234)
                        .setDstPort(5678)
                        .setPayload(ByteBuffer.allocate(0))
                        .setTcpFlags(0)
                        .setFollowing(List.of())
                        .build());
        String prefix = "destroyed-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        StreamsAppConfig config = DriverConfigs.forDriver(prefix, mode);
        String topic = config.topic(Topics.PACKETS);
        Map<String, ConnectionEvent> lastEvent = new LinkedHashMap<>();
        List<ExpectationEvent> fulfilled = new ArrayList<>();
        try (InProcessPipeline pipeline = new InProcessPipeline(config, new SimpleMeterRegistry());
                FlowKeySerde keys = new FlowKeySerde();
                var values =
                        AvroSerdes.specific(
                                        PacketRecord.class,
                                        Map.of("schema.registry.url", config.schemaRegistryUrl()),
                                        false)
                                .serializer()) {
            for (PacketRecord r : records) {
                pipeline.pipe(
                        keys.serialize(topic, PacketFlowKeys.of(r)),
                        values.serialize(topic, r),
                        r.getTimestampMicros() / 1000);
            }
            pipeline.end();
            pipeline.connectionEvents().forEach(e -> lastEvent.put(e.getConnection().getId(), e));
            pipeline.expectationEvents().stream()
                    .filter(e -> e.getType() == ExpectationEventType.FULFILLED)
                    .forEach(fulfilled::add);
        }
        assertThat(fulfilled).as("fulfilled expectations").isNotEmpty();
        for (ExpectationEvent f : fulfilled) {
            ConnectionEvent e = lastEvent.get(f.getFulfilledBy().getConnectionId());
            Connection c = e.getConnection();
            String what =
                    scenario
                            + ": last event of "
                            + c.getId()
                            + " "
                            + e.getType()
                            + " "
                            + c.getStatus();
            assertThat(e.getType()).as(what).isEqualTo(ConnectionEventType.DESTROY);
            assertThat(c.getMaster()).as(what).isNotNull();
            assertThat(c.getMaster().getConnectionId())
                    .as(what)
                    .isEqualTo(f.getMaster().getConnectionId());
            assertThat(c.getExpectationId()).as(what).isEqualTo(f.getExpectationId());
            assertThat(c.getStatus()).as(what).contains(StatusFlag.EXPECTED);
        }
    }
}
