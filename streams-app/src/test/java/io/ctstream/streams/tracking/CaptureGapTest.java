package io.ctstream.streams.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.PacketRecord;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17, item 3: a capture gap on the control channel. A lab capture with one control segment
 * removed (the peer acknowledges it, the sensor never saw it) must, in robust mode, still give
 * every announcement made after the gap, count the gap on the control connection, and leave the
 * control connection in the state it ends in without the gap.
 */
@ExtendWith(EmbeddedCluster.class)
class CaptureGapTest {

    /**
     * Scenario, the control segment to remove (its sender's port and its payload's first bytes),
     * and what kernel mode makes of it: the control connection's final TCP state and how many
     * announcements it still finds after the gap.
     */
    static Stream<Arguments> gaps() {
        return Stream.of(
                // the server's "150" before the first listing: a reply line lost mid-session. The
                // server's "226"
                // follows before the client's next command, so the kernel's window catches up: it
                // recovers
                Arguments.of("ftp-multi", 21, "150 ", "TIME_WAIT", 5),
                // the client's first PASV: the command whose 227 comes after the gap. The server's
                // 227 acknowledges
                // it, the client's next command acknowledges the 227 (INVALID, not seen): both
                // directions stall
                Arguments.of("ftp-multi", 35604, "PASV", "ESTABLISHED", 0),
                // the server's first 227 of ftp-passive: the gap swallows an announcement, the next
                // one must be found
                Arguments.of("ftp-passive", 21, "227 ", "ESTABLISHED", 0));
    }

    @ParameterizedTest(
            name = "robust mode, {0} without the first segment from port {1} starting \"{2}\"")
    @MethodSource("gaps")
    void robustModeResynchronisesAfterAGap(
            String scenario,
            int srcPort,
            String prefix,
            String kernelState,
            int kernelAnnouncements)
            throws Exception {
        List<PacketRecord> all = LabCaptures.read(scenario, "gw");
        int removed = -1;
        for (int i = 0; i < all.size() && removed < 0; i++) {
            PacketRecord p = all.get(i);
            if (p.getSrcPort() == srcPort && payload(p).startsWith(prefix)) {
                removed = i;
            }
        }
        assertThat(removed).as("a segment to remove").isNotNegative();
        long gapAt = all.get(removed).getTimestampMicros();
        List<PacketRecord> withGap = new ArrayList<>(all);
        withGap.remove(removed);

        Outputs full = run(all, HelperMode.ROBUST);
        Outputs gap = run(withGap, HelperMode.ROBUST);

        List<String> laterAnnouncements =
                full.created.stream()
                        .filter(e -> e.getCreatedMicros() > gapAt)
                        .map(CaptureGapTest::announced)
                        .toList();
        assertThat(laterAnnouncements)
                .as("announcements after the gap in the full capture")
                .isNotEmpty();
        assertThat(gap.created.stream().map(CaptureGapTest::announced).toList())
                .as("robust mode: every announcement after the gap")
                .containsAll(laterAnnouncements);
        Connection control =
                gap.lastByConnection.values().stream()
                        .filter(c -> c.getOrig().getDstPort() == 21)
                        .findFirst()
                        .orElseThrow();
        Connection controlFull = full.lastByConnection.get(control.getId());
        assertThat(control.getTcpState())
                .as("the control connection's final TCP state")
                .isEqualTo(controlFull.getTcpState());
        assertThat(control.getHelper())
                .as("the control connection keeps its helper")
                .isEqualTo("ftp");
        assertThat(control.getStreamGaps())
                .as("gaps counted on the control connection")
                .isEqualTo(1);
        assertThat(controlFull.getStreamGaps()).isZero();
        // the data connections announced after the gap are RELATED
        for (ExpectationEvent e : gap.fulfilled) {
            assertThat(gap.lastByConnection.get(e.getFulfilledBy().getConnectionId()).getMaster())
                    .isNotNull();
        }
        assertThat(gap.fulfilled.size())
                .as("fulfilled expectations")
                .isGreaterThanOrEqualTo(laterAnnouncements.size());
    }

    /**
     * Kernel mode does what the kernel would do with these packets: the first one acknowledging the
     * missing bytes is INVALID ("ACK is over upper bound") and moves neither direction's window. If
     * the side that lost the segment sends again before the other does, its window catches up and
     * tracking goes on; if not, every later packet acknowledges bytes not seen and is INVALID too:
     * the helper never sees them (the kernel runs it on tracked packets only) and the connection
     * stays as it was before the gap, with its helper, until it times out.
     */
    @ParameterizedTest(
            name = "kernel mode, {0} without the first segment from port {1} starting \"{2}\"")
    @MethodSource("gaps")
    void kernelModeDoesWhatTheKernelWouldDo(
            String scenario,
            int srcPort,
            String prefix,
            String kernelState,
            int kernelAnnouncements)
            throws Exception {
        List<PacketRecord> all = new ArrayList<>(LabCaptures.read(scenario, "gw"));
        long gapAt = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).getSrcPort() == srcPort && payload(all.get(i)).startsWith(prefix)) {
                gapAt = all.remove(i).getTimestampMicros();
                break;
            }
        }
        Outputs gap = run(all, HelperMode.KERNEL);
        Connection control =
                gap.lastByConnection.values().stream()
                        .filter(c -> c.getOrig().getDstPort() == 21)
                        .findFirst()
                        .orElseThrow();
        assertThat(control.getHelper()).isEqualTo("ftp");
        long at = gapAt;
        assertThat(control.getTcpState().name()).as("final TCP state").isEqualTo(kernelState);
        assertThat(gap.created.stream().filter(e -> e.getCreatedMicros() > at))
                .as("announcements after the gap")
                .hasSize(kernelAnnouncements);
        assertThat(
                        gap.lastByConnection.values().stream()
                                .filter(c -> c.getOrig().getSrcPort() == 21))
                .as("no control connection picked up reversed")
                .isEmpty();
    }

    private static String announced(ExpectationEvent e) {
        return e.getExpected().toString();
    }

    private static String payload(PacketRecord p) {
        if (p.getPayload() == null) {
            return "";
        }
        byte[] b = io.ctstream.schemas.FlowKeys.bytes(p.getPayload());
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private record Outputs(
            List<ExpectationEvent> created,
            List<ExpectationEvent> fulfilled,
            Map<String, Connection> lastByConnection) {}

    /**
     * The whole topology in-process, as {@code ctstream analyze} runs it ({@link
     * InProcessPipeline}).
     */
    private static Outputs run(List<PacketRecord> records, HelperMode mode) {
        String prefix = "gap-" + UUID.randomUUID().toString().substring(0, 8) + "-";
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
            for (PacketRecord r : records) {
                pipeline.pipe(
                        keys.serialize(topic, PacketFlowKeys.of(r)),
                        values.serialize(topic, r),
                        r.getTimestampMicros() / 1000);
            }
            pipeline.end(); // the tick that lets the matcher take its delayed decisions
            // (StreamTimeTicks)
            Map<String, Connection> lastByConnection = new LinkedHashMap<>();
            for (ConnectionEvent e : pipeline.connectionEvents()) {
                lastByConnection.put(e.getConnection().getId(), e.getConnection());
            }
            List<ExpectationEvent> created = new ArrayList<>();
            List<ExpectationEvent> fulfilled = new ArrayList<>();
            for (ExpectationEvent e : pipeline.expectationEvents()) {
                if (e.getType() == ExpectationEventType.CREATED) {
                    created.add(e);
                } else if (e.getType() == ExpectationEventType.FULFILLED) {
                    fulfilled.add(e);
                }
            }
            return new Outputs(created, fulfilled, lastByConnection);
        }
    }
}
