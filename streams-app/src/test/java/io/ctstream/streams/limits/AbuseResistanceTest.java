package io.ctstream.streams.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.matching.ExpectationMatchProcessor;
import io.ctstream.streams.tracking.ConnectionTrackingProcessor;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Floods through the whole topology (test driver, real stores and feedback loop): thousands of PORT
 * commands on one control session, thousands of DCC offers, thousands of half-open connections.
 * Every store stays within its cap at every step, per-connection helper state stays small, every
 * overflow is counted, and the alerts are there, one per subject and interval, not one per packet.
 */
@ExtendWith(EmbeddedCluster.class)
class AbuseResistanceTest {
    private static final int S = 0x02;
    private static final int A = 0x10;
    private static final int PA = 0x18;
    private static final long SEC = 1_000_000L;
    private static final long START = 1_700_000_000L * SEC;

    /** Largest store entries seen, sampled while the flood goes on. */
    private static final class Peaks {
        final Map<String, Long> max = new java.util.TreeMap<>();
        int channelBytes;

        void sample(TableDriver d, String... stores) {
            for (String s : stores) {
                max.merge(s, d.entries(s), Math::max);
            }
            channelBytes = Math.max(channelBytes, d.largestControlChannelBytes());
        }
    }

    @Test
    void thousandsOfPortCommandsOnOneControlSessionStayWithinMaxExpectedAndTheMatcherCap() {
        int ports = 3000;
        LimitsConfig limits = LimitsConfig.builder().maxMatchSlots(200).build();
        Peaks peaks = new Peaks();
        try (TableDriver d = new TableDriver(limits)) {
            String c = "10.1.0.2";
            String srv = "10.2.0.2";
            long t = START;
            long cseq = 1000;
            long sseq = 5000;
            d.tcp(t, c, 40000, srv, 21, S, cseq, 0, "");
            d.tcp(t += 1000, srv, 21, c, 40000, S | A, sseq, cseq + 1, "");
            cseq++;
            sseq++;
            d.tcp(t += 1000, c, 40000, srv, 21, A, cseq, sseq, "");
            for (int i = 0; i < ports; i++) {
                int p = 1024 + i;
                String port = "PORT 10,1,0,2," + (p / 256) + "," + (p % 256) + "\r\n";
                d.tcp(t += 10_000, c, 40000, srv, 21, PA, cseq, sseq, port);
                cseq += port.length();
                d.tcp(t += 100, srv, 21, c, 40000, PA, sseq, cseq, "200 OK\r\n");
                sseq += 8;
                if (i % 100 == 0) {
                    peaks.sample(
                            d,
                            ConnectionTrackingProcessor.LIVE_EXPECTATIONS,
                            ConnectionTrackingProcessor.CONNECTIONS,
                            ConnectionTrackingProcessor.CONTROL_CHANNELS,
                            ConnectionTrackingProcessor.LIMITS,
                            ExpectationMatchProcessor.STORE);
                }
            }
            // ~30 s of stream time: one control connection, one live expectation (max_expected=1),
            // at most
            // 200 matcher slots (the evicted expectations wait out their grace there, then go).
            assertThat(peaks.max)
                    .containsEntry(ConnectionTrackingProcessor.CONNECTIONS, 1L)
                    .containsEntry(ConnectionTrackingProcessor.CONTROL_CHANNELS, 1L)
                    .containsEntry(ConnectionTrackingProcessor.LIVE_EXPECTATIONS, 1L);
            assertThat(peaks.max.get(ExpectationMatchProcessor.STORE)).isLessThanOrEqualTo(200L);
            assertThat(peaks.max.get(ConnectionTrackingProcessor.LIMITS)).isLessThanOrEqualTo(1L);
            assertThat(peaks.channelBytes).isLessThan(1024);

            List<ExpectationEvent> events = d.expectations();
            Map<ExpectationEventType, Long> byType =
                    events.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            ExpectationEvent::getType, Collectors.counting()));
            assertThat(byType.get(ExpectationEventType.CREATED)).isEqualTo(ports);
            // Every evicted one ends exactly once, early when the matcher table was full.
            assertThat(byType.get(ExpectationEventType.EVICTED))
                    .isBetween((long) ports - 200, (long) ports - 1);
            assertThat(
                            events.stream()
                                    .filter(e -> e.getType() == ExpectationEventType.EVICTED)
                                    .map(ExpectationEvent::getExpectationId)
                                    .distinct()
                                    .count())
                    .isEqualTo(byType.get(ExpectationEventType.EVICTED));
            assertThat(d.counter("ctstream.limits.overflows", "limit", "max-expected"))
                    .isEqualTo(ports - 1);

            // 2999 evictions in ~30 s: one alert per 10 s of stream time, each later one counting
            // the suppressed.
            List<Alert> floods =
                    d.alerts().stream()
                            .filter(a -> a.getType().equals(AlertTypes.EXPECTATION_FLOOD))
                            .toList();
            assertThat(floods).hasSizeBetween(3, 4);
            assertThat(floods.get(0).getMessage()).contains("evicted ('max-expected')");
            assertThat(floods.get(1).getMessage())
                    .containsPattern("\\(\\d+ more since the last alert\\)");
            assertThat(floods).allSatisfy(a -> assertThat(a.getMaster()).isNotNull());
        }
    }

    @Test
    void thousandsOfDccOffersStayWithinMaxDccChannelsAndTheTaskExpectationCap() {
        int clients = 40;
        int offersEach = 100;
        LimitsConfig limits = LimitsConfig.builder().maxExpectations(128).build();
        Peaks peaks = new Peaks();
        try (TableDriver d = new TableDriver(limits)) {
            String srv = "10.2.0.7";
            long t = START;
            long[] cseq = new long[clients];
            for (int k = 0; k < clients; k++) {
                String c = "10.1.1." + (k + 1);
                cseq[k] = 1000;
                d.tcp(t += 100, c, 41000, srv, 6667, S, cseq[k], 0, "");
                d.tcp(t += 100, srv, 6667, c, 41000, S | A, 7000, cseq[k] + 1, "");
                cseq[k]++;
                d.tcp(t += 100, c, 41000, srv, 6667, A, cseq[k], 7001, "");
            }
            for (int i = 0; i < offersEach; i++) {
                for (int k = 0; k < clients; k++) {
                    String c = "10.1.1." + (k + 1);
                    long ip = (10L << 24) | (1L << 16) | (1L << 8) | (k + 1);
                    String offer =
                            "PRIVMSG bob :\u0001DCC SEND f"
                                    + i
                                    + ".bin "
                                    + ip
                                    + " "
                                    + (2000 + i)
                                    + " 10\u0001\r\n";
                    d.tcp(t += 1000, c, 41000, srv, 6667, PA, cseq[k], 7001, offer);
                    cseq[k] += offer.length();
                }
                if (i % 10 == 0) {
                    peaks.sample(
                            d,
                            ConnectionTrackingProcessor.LIVE_EXPECTATIONS,
                            ConnectionTrackingProcessor.CONTROL_CHANNELS,
                            ExpectationMatchProcessor.STORE);
                }
            }
            // 4000 offers from 40 masters: at most 8 live per master, at most 128 in the task.
            assertThat(peaks.max.get(ConnectionTrackingProcessor.LIVE_EXPECTATIONS))
                    .isEqualTo(128L);
            assertThat(peaks.max)
                    .containsEntry(ConnectionTrackingProcessor.CONTROL_CHANNELS, (long) clients);
            assertThat(peaks.channelBytes).isLessThan(2048);

            Map<ExpectationEventType, Long> byType =
                    d.expectations().stream()
                            .collect(
                                    Collectors.groupingBy(
                                            ExpectationEvent::getType, Collectors.counting()));
            long refused = (long) d.counter("ctstream.limits.overflows", "limit", "expect-max");
            assertThat(refused).isGreaterThan(0);
            assertThat(byType.get(ExpectationEventType.REJECTED)).isEqualTo(refused);
            assertThat(byType.get(ExpectationEventType.CREATED) + refused)
                    .isEqualTo((long) clients * offersEach);

            List<Alert> alerts = d.alerts();
            List<Alert> taskFull =
                    alerts.stream()
                            .filter(
                                    a ->
                                            a.getType().equals(AlertTypes.EXPECTATION_FLOOD)
                                                    && a.getMessage()
                                                            .startsWith("expectation table full"))
                            .toList();
            // 4000 s of stream time at 10 s per alert at most; far fewer than the refusals.
            assertThat(taskFull).isNotEmpty().hasSizeLessThanOrEqualTo(401);
            assertThat((long) taskFull.size()).isLessThan(refused);
            assertThat(taskFull.get(0).getAnnounced()).isNotNull();
        }
    }

    @Test
    void thousandsOfHalfOpenConnectionsEarlyDropUnassuredOnesAndKeepTheAssured() {
        int assured = 20;
        int syns = 5000;
        LimitsConfig limits =
                LimitsConfig.builder().maxConnections(1000).maxMatchSlots(500).build();
        Peaks peaks = new Peaks();
        try (TableDriver d = new TableDriver(limits)) {
            long t = START;
            for (int k = 0; k < assured; k++) {
                String c = "10.5.0." + (k + 1);
                d.tcp(t += 100, c, 50000, "10.6.0.1", 443, S, 100, 0, "");
                d.tcp(t += 100, "10.6.0.1", 443, c, 50000, S | A, 900, 101, "");
                d.tcp(t += 100, c, 50000, "10.6.0.1", 443, A, 101, 901, "");
            }
            for (int i = 0; i < syns; i++) {
                String src = "10.9." + (i / 250) + "." + (i % 250 + 1);
                d.tcp(
                        t += 200,
                        src,
                        30000 + (i % 1000),
                        "10.6.0.1",
                        80 + (i % 7),
                        S,
                        i * 7919L,
                        0,
                        "");
                if (i % 250 == 0) {
                    peaks.sample(
                            d,
                            ConnectionTrackingProcessor.CONNECTIONS,
                            ConnectionTrackingProcessor.CONNECTION_DEADLINES,
                            ExpectationMatchProcessor.STORE);
                }
            }
            assertThat(peaks.max.get(ConnectionTrackingProcessor.CONNECTIONS)).isEqualTo(1000L);
            assertThat(peaks.max.get(ConnectionTrackingProcessor.CONNECTION_DEADLINES))
                    .isLessThanOrEqualTo(1000L);
            assertThat(peaks.max.get(ExpectationMatchProcessor.STORE)).isLessThanOrEqualTo(500L);

            List<ConnectionEvent> events = d.connectionEvents();
            Map<String, Long> destroyed =
                    events.stream()
                            .filter(e -> e.getType() == ConnectionEventType.DESTROY)
                            .collect(
                                    Collectors.groupingBy(
                                            ConnectionEvent::getReason, Collectors.counting()));
            assertThat(destroyed).containsOnlyKeys("early-drop");
            assertThat(destroyed.get("early-drop")).isEqualTo(assured + syns - 1000L);
            // No ASSURED connection was dropped.
            assertThat(
                            events.stream()
                                    .filter(e -> e.getType() == ConnectionEventType.DESTROY)
                                    .map(
                                            e ->
                                                    io.ctstream.schemas.FlowKeys.bytes(
                                                            e.getConnection().getOrig().getSrc()))
                                    .filter(a -> a[1] == 5))
                    .isEmpty();
            assertThat(d.counter("ctstream.tracker.table.full", "result", "early-drop"))
                    .isEqualTo(assured + syns - 1000);

            // ~1 s of stream time: one connection-limit alert (the rest suppressed), naming the
            // flood's source.
            List<Alert> full =
                    d.alerts().stream()
                            .filter(a -> a.getType().equals(AlertTypes.CONNECTION_LIMIT))
                            .toList();
            assertThat(full).hasSize(1);
            assertThat(full.get(0).getMessage()).contains("an unassured connection was dropped");
            assertThat(io.ctstream.schemas.FlowKeys.bytes(full.get(0).getSource())[1])
                    .isEqualTo((byte) 9);
        }
    }

    @Test
    void aFullTableOfAssuredConnectionsRefusesTheNewOne() {
        LimitsConfig limits = LimitsConfig.builder().maxConnections(10).build();
        try (TableDriver d = new TableDriver(limits)) {
            long t = START;
            for (int k = 0; k < 10; k++) {
                String c = "10.5.0." + (k + 1);
                d.tcp(t += 100, c, 50000, "10.6.0.1", 443, S, 100, 0, "");
                d.tcp(t += 100, "10.6.0.1", 443, c, 50000, S | A, 900, 101, "");
                d.tcp(t += 100, c, 50000, "10.6.0.1", 443, A, 101, 901, "");
            }
            d.tcp(t += 100, "10.9.9.9", 1234, "10.6.0.1", 80, S, 5, 0, "");
            d.tcp(t += 100, "10.9.9.9", 1235, "10.6.0.1", 80, S, 5, 0, "");

            assertThat(d.entries(ConnectionTrackingProcessor.CONNECTIONS)).isEqualTo(10);
            Map<ConnectionEventType, Long> byType =
                    d.connectionEvents().stream()
                            .collect(
                                    Collectors.groupingBy(
                                            ConnectionEvent::getType, Collectors.counting()));
            assertThat(byType.get(ConnectionEventType.NEW)).isEqualTo(10);
            assertThat(byType).doesNotContainKey(ConnectionEventType.DESTROY);
            assertThat(d.counter("ctstream.tracker.table.full", "result", "refused")).isEqualTo(2);
            List<Alert> full = d.alerts();
            assertThat(full).hasSize(1);
            assertThat(full.get(0).getType()).isEqualTo(AlertTypes.CONNECTION_LIMIT);
            assertThat(full.get(0).getMessage()).contains("new connection not tracked");
        }
    }

    @Test
    void overlongLinesAndOutOfOrderSegmentsKeepEachControlChannelsBuffersBounded() {
        Peaks peaks = new Peaks();
        try (TableDriver d = new TableDriver(LimitsConfig.defaults())) {
            String c = "10.1.0.3";
            String srv = "10.2.0.3";
            long t = START;
            d.tcp(t, c, 40001, srv, 21, S, 1000, 0, "");
            d.tcp(t += 1000, srv, 21, c, 40001, S | A, 5000, 1001, "");
            d.tcp(t += 1000, c, 40001, srv, 21, A, 1001, 5001, "");
            long cseq = 1001;
            String chunk = "A".repeat(1000);
            // A 200 KB line, acknowledged as it goes: the 4 KiB line buffer holds at most 4 KiB of
            // it.
            for (int i = 0; i < 200; i++) {
                d.tcp(t += 1000, c, 40001, srv, 21, PA, cseq, 5001, chunk);
                cseq += chunk.length();
                d.tcp(t += 100, srv, 21, c, 40001, A, 5001, cseq, "");
                if (i % 20 == 0) {
                    peaks.sample(d);
                }
            }
            d.tcp(t += 1000, c, 40001, srv, 21, PA, cseq, 5001, "\r\n");
            cseq += 2;
            // 300 segments after a hole, all in the receiver's window: the reassembly keeps at most
            // 64 of them.
            for (int k = 0; k < 300; k++) {
                d.tcp(
                        t += 1000,
                        c,
                        40001,
                        srv,
                        21,
                        PA,
                        cseq + 100 + 200L * k,
                        5001,
                        "B".repeat(100));
                if (k % 20 == 0) {
                    peaks.sample(d);
                }
            }
            assertThat(peaks.channelBytes).isLessThanOrEqualTo(4096 + 64 * 100 + 1024);
            List<Alert> overflows =
                    d.alerts().stream()
                            .filter(a -> a.getType().equals(AlertTypes.LINE_OVERFLOW))
                            .toList();
            assertThat(overflows).hasSize(1);
            assertThat(d.counter("ctstream.helper.outcomes", "outcome", "StreamGap")).isPositive();
        }
    }
}
