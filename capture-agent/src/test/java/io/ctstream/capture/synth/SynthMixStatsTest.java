package io.ctstream.capture.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.capture.batch.BatchOptions;
import io.ctstream.capture.batch.FlowBatcher;
import io.ctstream.capture.batch.FlushReason;
import io.ctstream.capture.batch.RecordSink;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.encode.FlowKeyBytes;
import io.ctstream.capture.encode.PacketRecordEncoder;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mixes' shape on the bench's stream input (400,000 packets, the bench's seed): flows by
 * canonical flow key, packets per flow (p50, p90, p99, max), the share of packets in the largest 1%
 * of flows, and the packets per record the agent's batching makes of them with its defaults.
 * Printed, so the README's numbers can be checked; asserted loosely, so a change that loses the
 * heavy tail fails.
 */
class SynthMixStatsTest {
    private static final int PACKETS = 400_000;
    private static final long BENCH_SEED = 2026;

    @Test
    void theDefaultMixIsHeavyTailedAndBatchesWell() throws IOException {
        Stats s = Stats.of(SynthMix.DEFAULT, PACKETS, BENCH_SEED);
        System.out.println(s.describe(SynthMix.DEFAULT));
        assertThat(s.packets).isEqualTo(PACKETS);
        assertThat(s.p50).as("most flows have a few packets").isLessThanOrEqualTo(20);
        assertThat(s.p90).isLessThan(s.max / 100);
        assertThat(s.max).as("and a few are elephants").isGreaterThan(5_000);
        assertThat(s.topPercentShare)
                .as("share of packets in the largest 1% of flows")
                .isGreaterThan(0.2);
        assertThat(s.topTenPercentShare)
                .as("share of packets in the largest 10% of flows")
                .isGreaterThan(0.4);
        assertThat(s.packetsPerRecord).isGreaterThan(4);
    }

    @Test
    void aSynFloodHasOnePacketPerFlowAndNothingToBatch() throws IOException {
        Stats s = Stats.of(SynthMix.SYN_FLOOD, 100_000, BENCH_SEED);
        System.out.println(s.describe(SynthMix.SYN_FLOOD));
        assertThat(s.flows)
                .isGreaterThan(99_000); // random sources and ports: a handful of collisions at most
        assertThat(s.max).isLessThanOrEqualTo(2);
        assertThat(s.packetsPerRecord).isLessThan(1.01);
    }

    /** What one mix looks like. */
    private static final class Stats {
        long packets;
        int flows;
        int p50;
        int p90;
        int p99;
        int max;
        double topPercentShare;
        double topTenPercentShare;
        long records;
        double packetsPerRecord;
        final Map<FlushReason, Integer> reasons = new java.util.EnumMap<>(FlushReason.class);

        static Stats of(SynthMix mix, int packets, long seed) throws IOException {
            ByteArrayOutputStream pcap = new ByteArrayOutputStream();
            Synth.write(pcap, packets, seed, mix);
            Stats s = new Stats();
            Map<ByteBuffer, int[]> perFlow = new HashMap<>();
            PacketDecoder decoder = new PacketDecoder();
            DecodedPacket p = new DecodedPacket();
            CapturedFrame f = new CapturedFrame();
            EdgePayloadPolicy policy = EdgePayloadPolicy.defaults();
            long[] records = new long[1];
            RecordSink counting =
                    new RecordSink() {
                        @Override
                        public boolean submit(
                                byte[] key, byte[] value, long timestampMillis, int n) {
                            records[0]++;
                            return true;
                        }

                        @Override
                        public void dropUnencodable(RuntimeException e, int n) {
                            throw new AssertionError(e);
                        }
                    };
            FlowBatcher batcher =
                    new FlowBatcher(
                            BatchOptions.defaults(),
                            new PacketRecordEncoder(1, "bench"),
                            counting,
                            (reason, n) -> s.reasons.merge(reason, 1, Integer::sum),
                            false);
            try (CaptureFileReader r =
                    CaptureFiles.open(
                            Path.of("synth.pcap"), new ByteArrayInputStream(pcap.toByteArray()))) {
                while (r.next(f)) {
                    assertThat(
                                    decoder.decode(
                                            f.linkType(),
                                            f.data(),
                                            f.capturedLength(),
                                            f.originalLength(),
                                            p))
                            .isTrue();
                    byte[] key = FlowKeyBytes.of(p);
                    perFlow.computeIfAbsent(ByteBuffer.wrap(key), k -> new int[1])[0]++;
                    batcher.add(p, key, f.timestampMicros(), null, policy.keepBytes(p));
                    s.packets++;
                }
            }
            batcher.flushAll();
            int[] sizes = perFlow.values().stream().mapToInt(c -> c[0]).sorted().toArray();
            s.flows = sizes.length;
            s.p50 = percentile(sizes, 0.50);
            s.p90 = percentile(sizes, 0.90);
            s.p99 = percentile(sizes, 0.99);
            s.max = sizes[sizes.length - 1];
            int top = Math.max(1, sizes.length / 100);
            long inTop =
                    Arrays.stream(sizes, sizes.length - top, sizes.length).asLongStream().sum();
            s.topPercentShare = (double) inTop / s.packets;
            int tenth = Math.max(1, sizes.length / 10);
            s.topTenPercentShare =
                    (double)
                                    Arrays.stream(sizes, sizes.length - tenth, sizes.length)
                                            .asLongStream()
                                            .sum()
                            / s.packets;
            s.records = records[0];
            s.packetsPerRecord = (double) s.packets / s.records;
            return s;
        }

        private static int percentile(int[] sorted, double q) {
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
        }

        String describe(SynthMix mix) {
            return String.format(
                    Locale.ROOT,
                    "synth mix %s: %,d packets, %,d flows; packets per flow p50 %d, p90 %d, "
                            + "p99 %d, max %,d; largest 1%% of flows hold %.1f%% of packets, largest 10%% %.1f%%; batching (32 packets, 5 ms): "
                            + "%,d records, %.2f packets per record; batches by flush reason %s",
                    mix.cliName(),
                    packets,
                    flows,
                    p50,
                    p90,
                    p99,
                    max,
                    100 * topPercentShare,
                    100 * topTenPercentShare,
                    records,
                    packetsPerRecord,
                    reasons);
        }
    }
}
