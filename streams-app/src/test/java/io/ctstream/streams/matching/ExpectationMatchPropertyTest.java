package io.ctstream.streams.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.internal.NewConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a connection and an expectation that match in event time must match whatever order they
 * reach the matcher in and however far apart the partitions are. Each generated history —
 * expectations (some evicted or ended by their master's death), connections of two sensors, to a
 * few destinations, some within the grace before their expectation — is delivered as one partition
 * in event-time order (the reference), and again spread over 1 to 8 tracker partitions, each in its
 * own order, interleaved at random with one partition racing ahead of the others. Every expectation
 * must get the same single terminal event.
 *
 * <p>{@code -Dctstream.matcher.histories=N} changes the number of histories (10,000 by default).
 */
class ExpectationMatchPropertyTest {
    private static final long SEC = 1_000_000L;
    private static final long GRACE = 5 * SEC;
    private static final long T0 = 1_795_314_068L * SEC;
    private static final byte[] SERVER = {10, 77, 2, 2};
    private static final byte[] OTHER = {10, 77, 2, 9};
    private static final int[] PORTS = {60315, 60316, 60317};

    /**
     * One input of the matcher, as a tracker emits it: on its master's (or its own flow's)
     * partition.
     */
    private record Input(
            long ts,
            int seq,
            int partitionHint,
            ExpectationEvent expectation,
            NewConnection connection) {}

    @Test
    void anyPartitioningAndInterleavingGivesTheSingleOrderedPartitionsDecisions() {
        int histories = Integer.getInteger("ctstream.matcher.histories", 10_000);
        int related = 0;
        for (int h = 0; h < histories; h++) {
            long seed = 0x5eedL * 1_000_003L + h;
            Random random = new Random(seed);
            List<Input> history = history(random);
            Map<String, String> reference = run(history, 1, new Random(seed ^ 1));
            int partitions = 1 + random.nextInt(8);
            Map<String, String> spread = run(history, partitions, new Random(seed ^ 2));
            assertThat(spread)
                    .as("history %d (seed %d) over %d partitions", h, seed, partitions)
                    .isEqualTo(reference);
            related +=
                    (int)
                            reference.values().stream()
                                    .filter(v -> v.startsWith("FULFILLED"))
                                    .count();
        }
        assertThat(related)
                .as("the histories exercise matching, not only expiry")
                .isGreaterThan(histories / 2);
    }

    private static List<Input> history(Random random) {
        List<Input> inputs = new ArrayList<>();
        int seq = 0;
        int masters = 1 + random.nextInt(3);
        int expectations = 1 + random.nextInt(5);
        for (int i = 0; i < expectations; i++) {
            long created = T0 + (long) (random.nextDouble() * 30 * SEC);
            int master = random.nextInt(masters);
            String sensor = random.nextBoolean() ? "s1" : "s2";
            ExpectationEvent e =
                    ExpectationMatcherTest.ftpExpectation(
                            "e" + i,
                            created,
                            random.nextInt(4) == 0 ? null : SERVER,
                            PORTS[random.nextInt(PORTS.length)],
                            sensor);
            long timeout = (5 + random.nextInt(56)) * SEC;
            e.setExpiresAtMicros(created + timeout);
            inputs.add(new Input(created, seq++, master, e, null));
            if (random.nextInt(10) < 3) {
                long end = created + (long) (random.nextDouble() * 20 * SEC);
                ExpectationEventType type =
                        random.nextBoolean()
                                ? ExpectationEventType.EVICTED
                                : ExpectationEventType.MASTER_DESTROYED;
                inputs.add(
                        new Input(
                                end,
                                seq++,
                                master,
                                ExpectationMatcherTest.typed(e, type, end),
                                null));
            }
        }
        int connections = 1 + random.nextInt(8);
        for (int i = 0; i < connections; i++) {
            long ts = T0 + (long) ((random.nextDouble() * 65 - 5) * SEC);
            NewConnection c =
                    ExpectationMatcherTest.connection(
                            "c" + i,
                            ts,
                            random.nextInt(5) == 0 ? OTHER : SERVER,
                            1024 + random.nextInt(60000),
                            PORTS[random.nextInt(PORTS.length)],
                            random.nextBoolean() ? "s1" : "s2");
            inputs.add(new Input(ts, seq++, 100 + random.nextInt(1000), null, c));
        }
        return inputs;
    }

    /**
     * Delivers the history as {@code partitions} trackers would: each its inputs in event-time
     * order followed by its progress, interleaved at random with skewed speeds; then the end of the
     * input. Returns each expectation's terminal event.
     */
    private static Map<String, String> run(List<Input> history, int partitions, Random random) {
        Map<Integer, List<Input>> byPartition = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            byPartition.put(p, new ArrayList<>());
        }
        for (Input in : history) {
            byPartition.get(in.partitionHint() % partitions).add(in);
        }
        byPartition
                .values()
                .forEach(
                        l ->
                                l.sort(
                                        Comparator.comparingLong(Input::ts)
                                                .thenComparingInt(Input::seq)));
        int[] speed = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            speed[p] = 1 + random.nextInt(p == 0 ? 50 : 5); // partition 0 often races ahead
        }
        int[] next = new int[partitions];
        MatcherHarness m = new MatcherHarness(new MatcherConfig(GRACE, 1_000, 64));
        for (int p = 0; p < partitions; p++) {
            if (byPartition.get(p).isEmpty()) {
                m.idle(p, partitions, -1);
            }
        }
        long latest = T0;
        while (true) {
            int total = 0;
            for (int p = 0; p < partitions; p++) {
                total += next[p] < byPartition.get(p).size() ? speed[p] : 0;
            }
            if (total == 0) {
                break;
            }
            int pick = random.nextInt(total);
            int p = 0;
            for (; p < partitions; p++) {
                if (next[p] < byPartition.get(p).size()) {
                    pick -= speed[p];
                    if (pick < 0) {
                        break;
                    }
                }
            }
            Input in = byPartition.get(p).get(next[p]++);
            if (in.expectation() != null) {
                m.expectation(ExpectationEvent.newBuilder(in.expectation()).build());
            } else {
                m.connection(NewConnection.newBuilder(in.connection()).build());
            }
            m.progress(p, partitions, in.ts());
            latest = Math.max(latest, in.ts());
        }
        m.tick(latest + GRACE + SEC + 400 * SEC);
        assertThat(m.dropped("late-connection") + m.dropped("late-expectation"))
                .as("nothing arrives late")
                .isZero();
        Map<String, String> terminal = new LinkedHashMap<>();
        for (ExpectationEvent e : m.published()) {
            if (e.getType() == ExpectationEventType.CREATED) {
                continue;
            }
            String outcome =
                    e.getType()
                            + "@"
                            + e.getTimestampMicros()
                            + (e.getFulfilledBy() == null
                                    ? ""
                                    : " by " + e.getFulfilledBy().getConnectionId());
            String before = terminal.put(e.getExpectationId(), outcome);
            assertThat(before).as("one terminal event for %s", e.getExpectationId()).isNull();
        }
        return new TreeMap<>(terminal);
    }
}
