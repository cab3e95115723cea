package io.ctstream.streams.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.CtState;
import io.ctstream.avro.Direction;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.StatusFlag;
import io.ctstream.avro.TcpState;
import io.ctstream.avro.Tuple;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 2: a data connection destroyed before the matcher's FULFILLED reached the tracker
 * (reset, or timed out on a partition whose stream time ran ahead) keeps its master, expectation id
 * and EXPECTED status in the report.
 */
class AnalysisReportTest {

    private static final ByteBuffer CLIENT = ByteBuffer.wrap(new byte[] {10, 77, 1, 2});
    private static final ByteBuffer SERVER = ByteBuffer.wrap(new byte[] {10, 77, 2, 2});
    private static final Tuple CONTROL = new Tuple(4, 6, CLIENT, 45898, SERVER, 21);
    private static final Tuple DATA = new Tuple(4, 6, CLIENT, 40000, SERVER, 50000);
    private static final long T = 1_795_314_800_000_000L;

    private static Connection connection(
            String id, Tuple orig, List<StatusFlag> status, CtState state) {
        return Connection.newBuilder()
                .setId(id)
                .setOrig(orig)
                .setReply(
                        new Tuple(
                                4,
                                6,
                                orig.getDst(),
                                orig.getDstPort(),
                                orig.getSrc(),
                                orig.getSrcPort()))
                .setCtState(state)
                .setTcpState(TcpState.CLOSE)
                .setStatus(status)
                .setFirstSeenMicros(T)
                .setLastSeenMicros(T + 1000)
                .setOrigPackets(3)
                .setReplyPackets(2)
                .build();
    }

    private static ExpectationEvent expectation(
            ExpectationEventType type, ConnectionRef fulfilledBy) {
        return ExpectationEvent.newBuilder()
                .setExpectationId("control/r/2080369832")
                .setType(type)
                .setTimestampMicros(T)
                .setHelper("ftp")
                .setMode(HelperMode.ROBUST)
                .setMaster(new ConnectionRef("control", CONTROL))
                .setExpected(new ExpectedTuple(4, 6, CLIENT, null, SERVER, 50000))
                .setDirection(Direction.REPLY)
                .setCreatedMicros(T - 1000)
                .setExpiresAtMicros(T + 300_000_000L)
                .setFulfilledBy(fulfilledBy)
                .build();
    }

    @Test
    void aDataConnectionDestroyedBeforeItsFulfilmentCameBackKeepsItsMaster() {
        Connection destroyed =
                connection(
                        "data", DATA, new ArrayList<>(List.of(StatusFlag.SEEN_REPLY)), CtState.NEW);
        List<ConnectionEvent> events =
                List.of(
                        new ConnectionEvent(ConnectionEventType.NEW, T, null, destroyed),
                        new ConnectionEvent(
                                ConnectionEventType.DESTROY, T + 1000, "reset", destroyed));
        List<ExpectationEvent> expectations =
                List.of(
                        expectation(ExpectationEventType.CREATED, null),
                        expectation(
                                ExpectationEventType.FULFILLED, new ConnectionRef("data", DATA)));

        JsonNode c =
                AnalysisReport.build(events, List.of(), expectations, List.of())
                        .path("connections")
                        .get(0);

        assertThat(c.path("destroyed").asBoolean()).isTrue();
        assertThat(c.path("master_id").asText()).isEqualTo("control");
        assertThat(c.path("master").path("dport").asInt()).isEqualTo(21);
        assertThat(c.path("expectation_id").asText()).isEqualTo("control/r/2080369832");
        assertThat(c.path("status").toString()).contains("EXPECTED").contains("SEEN_REPLY");
        assertThat(c.path("ct_state").asText()).isEqualTo("RELATED");
        assertThat(c.path("orig_packets").asLong()).as("its final counters stay").isEqualTo(3);
    }

    @Test
    void aConnectionNoExpectationNamesStaysUnrelated() {
        Connection plain = connection("other", DATA, new ArrayList<>(), CtState.NEW);
        JsonNode c =
                AnalysisReport.build(
                                List.of(
                                        new ConnectionEvent(
                                                ConnectionEventType.DESTROY, T, "timeout", plain)),
                                List.of(),
                                List.of(
                                        expectation(
                                                ExpectationEventType.FULFILLED,
                                                new ConnectionRef("data", DATA))),
                                List.of())
                        .path("connections")
                        .get(0);
        assertThat(c.path("master").isNull()).isTrue();
        assertThat(c.path("status").toString()).doesNotContain("EXPECTED");
    }
}
