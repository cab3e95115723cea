package io.ctstream.bench;

import io.ctstream.bench.capture.CaptureReplayBench;
import io.ctstream.bench.pipeline.EndToEndBench;
import io.ctstream.bench.pipeline.PinholeLatencyBench;
import io.ctstream.bench.report.BenchChart;
import io.ctstream.bench.report.BenchRow;
import io.ctstream.bench.report.BenchTable;
import io.ctstream.bench.streams.ScalingBench;
import io.ctstream.bench.streams.TopologyBench;
import io.ctstream.bench.support.BenchCluster;
import io.ctstream.bench.support.CpuClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one bench command ({@code bench/run.sh}): every section against one embedded broker and
 * registry, in one run on one machine; prints the table, writes it as Markdown and the ratios as a
 * PNG.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "ctstream benchmarks: ratios against Kafka baselines, measured in one run on one machine.")
public final class BenchMain implements Callable<Integer> {

    /** The parts of the bench, in the order they run. */
    public enum Section {
        capture,
        topology,
        scaling,
        e2e,
        pinhole
    }

    @Option(
            names = "--packets",
            description = "packets of the capture-replay input (default: ${DEFAULT-VALUE})")
    long packets = 2_000_000;

    @Option(
            names = "--stream-packets",
            description =
                    "packets of the topology, scaling, end-to-end and pinhole inputs "
                            + "(default: ${DEFAULT-VALUE})")
    long streamPackets = 400_000;

    @Option(
            names = "--partitions",
            description = "partitions of every input topic (default: ${DEFAULT-VALUE})")
    int partitions = 4;

    @Option(
            names = "--rounds",
            description =
                    "rounds of the capture replay and of the topology, each with its baselines; "
                            + "the best round of each is reported (default: ${DEFAULT-VALUE})")
    int rounds = 2;

    @Option(
            names = "--load",
            description =
                    "pinhole latency: offered load as a fraction of the measured topology rate "
                            + "(default: ${DEFAULT-VALUE})")
    double load = 0.5;

    @Option(
            names = "--pinhole-variants",
            split = ",",
            description =
                    "pinhole latency: streams-app settings to measure, "
                            + "each COMMIT_MS:at-once|interval[:LINGER_MS] (commit.interval.ms; commit as soon as an ALLOW is written, or "
                            + "at the interval; the producer's linger.ms, default streams-app's 5 ms) (default: ${DEFAULT-VALUE}, "
                            + "streams-app's defaults)")
    List<String> pinholeVariants = List.of(PinholeLatencyBench.Variant.DEFAULT);

    @Option(
            names = "--sections",
            split = ",",
            description = "sections to run (default: all): ${COMPLETION-CANDIDATES}")
    Set<Section> sections = EnumSet.allOf(Section.class);

    @Option(
            names = "--out",
            description = "directory for bench.md and bench.png (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench", "target", "bench-results");

    private interface SectionRun {
        void run() throws Exception;
    }

    /**
     * A section that fails (a timeout on a busy machine, say) is a row saying so, and the later
     * sections still run: one slow section must not cost the whole table.
     */
    private static void guarded(String section, BenchTable table, SectionRun run) {
        try {
            run.run();
        } catch (Exception e) {
            System.out.println("  !! " + section + " failed: " + e.getMessage());
            table.add(
                    BenchRow.plain(
                            section,
                            "section failed",
                            Double.NaN,
                            "",
                            String.valueOf(e.getMessage())));
        }
    }

    public static void main(String[] args) {
        System.exit(
                new CommandLine(new BenchMain())
                        .setCaseInsensitiveEnumValuesAllowed(true)
                        .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String conditions =
                String.format(
                        Locale.ROOT,
                        "%s, %d cores, load average %.1f at start; capture input %,d packets, stream inputs %,d packets, %d partitions",
                        Instant.now().toString().substring(0, 16) + "Z",
                        Runtime.getRuntime().availableProcessors(),
                        CpuClock.loadAverage(),
                        packets,
                        streamPackets,
                        partitions);
        BenchTable table = new BenchTable(conditions);
        try (BenchCluster cluster = BenchCluster.start()) {
            if (sections.contains(Section.capture)) {
                new CaptureReplayBench(cluster, partitions, rounds).run(packets, table);
            }
            double topologyRate = Double.NaN;
            if (sections.contains(Section.topology)) {
                topologyRate =
                        new TopologyBench(cluster, partitions).run(streamPackets, rounds, table);
            }
            double rate = topologyRate;
            if (sections.contains(Section.scaling)) {
                guarded(
                        "scaling",
                        table,
                        () -> new ScalingBench(cluster, partitions).run(streamPackets, table));
            }
            if (sections.contains(Section.e2e)) {
                guarded(
                        "end to end",
                        table,
                        () ->
                                new EndToEndBench(cluster, partitions)
                                        .run(streamPackets, rate, table));
            }
            if (sections.contains(Section.pinhole)) {
                for (String variant : pinholeVariants) {
                    guarded(
                            "time to pinhole",
                            table,
                            () ->
                                    new PinholeLatencyBench(cluster, partitions)
                                            .run(
                                                    streamPackets,
                                                    rate,
                                                    load,
                                                    PinholeLatencyBench.Variant.parse(variant),
                                                    table));
                }
            }
        }
        String finished =
                String.format(
                        Locale.ROOT,
                        "%s; load average %.1f at the end",
                        conditions,
                        CpuClock.loadAverage());
        BenchTable done = table.withConditions(finished);
        done.write(out.resolve("bench.md"));
        BenchChart.write(done, out.resolve("bench.png"));
        System.out.println();
        System.out.println(done.markdown());
        System.out.println("wrote " + out.resolve("bench.md") + " and " + out.resolve("bench.png"));
        return 0;
    }
}
