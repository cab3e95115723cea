package io.ctstream.launcher.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.HelperMode;
import io.ctstream.capture.batch.BatchOptions;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.registry.HelperRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ctstream against the Linux kernel on every traffic-lab capture: the real pipeline (capture-agent
 * replay, streams-app with 1, 4 or 8 partitions and 1 or 2 stream threads in turn, on the embedded
 * broker and registry) must find the connections the kernel tracked, with the same original
 * direction and per-direction packet counts, and — in kernel mode — exactly the kernel's
 * expectations and RELATED connections. Robust mode must agree too, except for the documented
 * improvements listed in {@link #ROBUST_GAINS}. And {@code ctstream analyze}'s default path, the
 * topology in-process without a broker ({@link InProcessAnalyzer}), must give the broker run's
 * report exactly, field by field, in every run of the matrix.
 */
@ExtendWith(EmbeddedCluster.class)
class LabConformanceTest {

    /**
     * Scenarios where robust mode does what the protocol means and the kernel does not: the number
     * of extra expectations robust mode creates (the kernel created none).
     */
    static final Map<String, String> ROBUST_GAINS =
            Map.of(
                    "ftp-split",
                            "PORT split across two segments: reassembled, the expectation the client meant",
                    "ftp-split-verb",
                            "verb split across two segments: reassembled, the expectation the client meant",
                    "ftp-pipelined",
                            "NOOP and PORT in one segment: both lines parsed, the PORT expectation is created",
                    "irc-dcc-quoted",
                            "quoted DCC filename with spaces: parsed, the DCC expectation is created",
                    "irc-dcc-split",
                            "DCC PRIVMSG split across segments: reassembled, the DCC expectation is created");

    /**
     * Alerts robust mode raises, by scenario (every other scenario raises none): an announcement of
     * another host's address is refused in both modes and alerted, with the evidence.
     */
    static final Map<String, List<String>> ROBUST_ALERTS =
            Map.of(
                    "ftp-bounce", List.of("ftp-bounce", "ftp-bounce"),
                    "irc-dcc-forged", List.of("forged-dcc"));

    /**
     * {@code -Dctstream.conformance.matrix=full}: every scenario in both modes with batching off
     * too.
     */
    static final boolean FULL_MATRIX =
            "full".equals(System.getProperty("ctstream.conformance.matrix"));

    /**
     * {@code -Dctstream.conformance.scenarios=a,b}: only these scenarios; {@code
     * -Dctstream.conformance.partitions=1,4,8} and {@code -Dctstream.conformance.threads=1}: these
     * partition counts (each in turn) and stream-thread count for every run, instead of the {@link
     * #LAYOUTS} in turn; {@code -Dctstream.conformance.repeat=10}: every run that many times (the
     * race differs from run to run).
     */
    static final List<String> ONLY =
            List.of(System.getProperty("ctstream.conformance.scenarios", "").split(",")).stream()
                    .filter(s -> !s.isBlank())
                    .toList();

    static final String PARTITIONS_PROPERTY = System.getProperty("ctstream.conformance.partitions");
    static final List<Integer> PARTITIONS =
            PARTITIONS_PROPERTY == null
                    ? List.of(0)
                    : List.of(PARTITIONS_PROPERTY.split(",")).stream()
                            .map(String::strip)
                            .map(Integer::valueOf)
                            .toList();
    static final int THREADS = Integer.getInteger("ctstream.conformance.threads", 2);

    /**
     * Without {@code ctstream.conformance.partitions}: each run takes the next of these
     * (partitions, stream threads), so that the suite covers 1, 4 and 8 partitions with 1 and 2
     * threads (issue 17; the matcher must decide the same whatever the partitioning).
     */
    static final int[][] LAYOUTS = {{4, 2}, {1, 1}, {8, 2}, {4, 1}, {1, 2}, {8, 1}};

    static final int REPEAT = Integer.getInteger("ctstream.conformance.repeat", 1);

    /**
     * Every scenario in both helper modes with the capture agent's per-flow batches (its default),
     * and every scenario once more with batching off (one record per packet), in the two modes in
     * turn; the full matrix on request.
     */
    static Stream<Arguments> runs() throws Exception {
        List<Arguments> out = new ArrayList<>();
        int i = 0;
        for (String sc : KernelOracle.scenarios()) {
            if (!ONLY.isEmpty() && !ONLY.contains(sc)) {
                continue;
            }
            List<Object[]> runs = new ArrayList<>();
            runs.add(new Object[] {sc, HelperMode.KERNEL, "batched"});
            runs.add(new Object[] {sc, HelperMode.ROBUST, "batched"});
            if (FULL_MATRIX) {
                runs.add(new Object[] {sc, HelperMode.KERNEL, "unbatched"});
                runs.add(new Object[] {sc, HelperMode.ROBUST, "unbatched"});
            } else {
                runs.add(
                        new Object[] {
                            sc, i++ % 2 == 0 ? HelperMode.KERNEL : HelperMode.ROBUST, "unbatched"
                        });
            }
            for (int partitions : PARTITIONS) {
                for (int r = 0; r < REPEAT; r++) {
                    for (Object[] run : runs) {
                        int[] layout =
                                partitions > 0
                                        ? new int[] {partitions, THREADS}
                                        : LAYOUTS[out.size() % LAYOUTS.length];
                        out.add(Arguments.of(run[0], run[1], run[2], layout[0], layout[1]));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} [{1}, {2}, {3} partitions, {4} threads]")
    @MethodSource("runs")
    void agreesWithTheKernel(
            String scenario, HelperMode mode, String batching, int partitions, int threads)
            throws Exception {
        KernelOracle kernel = KernelOracle.load(scenario);
        HelperConfig.Builder builder = HelperConfig.builder().mode(mode);
        HelperConfig helpers =
                (kernel.helpersOn() ? builder : HelperRegistry.helpersOff(builder)).build();
        PipelineAnalyzer analyzer =
                new PipelineAnalyzer(
                        EmbeddedCluster.bootstrapServers(),
                        EmbeddedCluster.schemaRegistryUrl(),
                        new SimpleMeterRegistry());
        PipelineAnalyzer.Options options =
                new PipelineAnalyzer.Options(
                                partitions,
                                threads,
                                PipelineAnalyzer.Options.defaults().quietPeriod(),
                                PipelineAnalyzer.Options.defaults().timeout(),
                                b -> b.helpers(helpers))
                        .toBuilder()
                                .batchPackets(
                                        "batched".equals(batching)
                                                ? BatchOptions.DEFAULT_PACKETS
                                                : 1)
                                .build();
        List<PipelineAnalyzer.Input> inputs =
                List.of(new PipelineAnalyzer.Input(KernelOracle.pcap(scenario), "gw"));
        ObjectNode report = analyzer.analyze(inputs, options).report();

        // ctstream analyze's default path, the topology in-process without a broker: the very same
        // report
        ObjectNode inProcess =
                new InProcessAnalyzer(new SimpleMeterRegistry(), false)
                        .analyze(inputs, options)
                        .report();
        assertThat(inProcess)
                .as("%s [%s, %s]: in-process report vs the broker run's", scenario, mode, batching)
                .isEqualTo(report);

        Set<String> ours = new LinkedHashSet<>();
        Set<String> oursNotConfirmedByTheKernel = new LinkedHashSet<>();
        for (JsonNode c : report.path("connections")) {
            String t = KernelOracle.tuple(c.path("orig"));
            if (kernel.connections().contains(t)) {
                ours.add(t);
            } else {
                oursNotConfirmedByTheKernel.add(KernelOracle.withoutSourcePort(c.path("orig")));
            }
        }
        assertThat(ours)
                .as("%s: connections (original direction) vs the kernel's NEW events", scenario)
                .containsExactlyInAnyOrderElementsOf(kernel.connections());
        // ctstream sees the packets the gateway's policy dropped too: those are exactly the lab's
        // dropped new connections, which the kernel tracked but never confirmed.
        assertThat(oursNotConfirmedByTheKernel)
                .as("%s: connections the kernel's policy dropped", scenario)
                .containsExactlyInAnyOrderElementsOf(kernel.droppedNew());

        for (JsonNode c : report.path("connections")) {
            long[] counts = kernel.packetCounts().get(KernelOracle.tuple(c.path("orig")));
            if (counts != null) {
                assertThat(
                                new long[] {
                                    c.path("orig_packets").asLong(),
                                    c.path("reply_packets").asLong()
                                })
                        .as(
                                "%s: packets per direction of %s",
                                scenario, KernelOracle.tuple(c.path("orig")))
                        .containsExactly(counts);
            }
        }

        List<String> ourExpectations = new ArrayList<>();
        for (JsonNode e : report.path("expectations")) {
            ourExpectations.add(KernelOracle.expectation(e));
        }
        Set<String> ourRelated = new LinkedHashSet<>();
        for (JsonNode c : report.path("connections")) {
            if (!c.path("master").isNull() && !c.path("master").isMissingNode()) {
                ourRelated.add(KernelOracle.tuple(c.path("orig")));
            }
        }
        assertAlerts(scenario, mode, kernel, report.path("alerts"));

        if (mode == HelperMode.ROBUST && ROBUST_GAINS.containsKey(scenario)) {
            assertThat(ourExpectations)
                    .as("%s (robust: %s)", scenario, ROBUST_GAINS.get(scenario))
                    .containsAll(kernel.expectations())
                    .hasSizeGreaterThan(kernel.expectations().size());
            assertThat(ourRelated).containsAll(kernel.related());
        } else {
            assertThat(ourExpectations)
                    .as("%s [%s]: expectations vs the kernel's", scenario, mode)
                    .containsExactlyInAnyOrderElementsOf(kernel.expectations());
            assertThat(ourRelated)
                    .as("%s [%s]: RELATED connections vs the kernel's", scenario, mode)
                    .containsExactlyInAnyOrderElementsOf(kernel.related());
        }
    }

    /**
     * Kernel mode says what the kernel's helpers said, message for message: each NFLOG drop of
     * {@code nf_ct_ftp} is a {@code kernel-drop} alert and each {@code nf_conntrack_irc} "Forged
     * DCC" line a {@code forged-dcc} alert with the same text; an FTP bounce, which the kernel
     * ignores silently, is alerted as {@code ftp-bounce}. Robust mode raises {@link #ROBUST_ALERTS}
     * only: the kernel's false alarms (a quoted filename read as 0.0.0.0:0, a split command) are
     * not alarms there.
     */
    private static void assertAlerts(
            String scenario, HelperMode mode, KernelOracle kernel, JsonNode alerts) {
        List<String> types = new ArrayList<>();
        List<String> kernelStyle = new ArrayList<>();
        for (JsonNode a : alerts) {
            String type = a.path("type").asText();
            types.add(type);
            String message = a.path("message").asText();
            if (type.equals("kernel-drop")) {
                kernelStyle.add(message.substring(message.indexOf(": ") + 2));
            } else if (type.equals("forged-dcc")) {
                kernelStyle.add(message);
            }
            assertThat(a.path("evidence").asText())
                    .as("%s: alert %s names its evidence", scenario, type)
                    .isNotBlank();
        }
        List<String> bounces =
                ROBUST_ALERTS.getOrDefault(scenario, List.of()).stream()
                        .filter("ftp-bounce"::equals)
                        .toList();
        if (mode == HelperMode.KERNEL) {
            assertThat(kernelStyle)
                    .as("%s [kernel]: alerts vs the kernel helpers' messages", scenario)
                    .containsExactlyInAnyOrderElementsOf(kernel.helperMessages());
            assertThat(types.stream().filter("ftp-bounce"::equals).toList())
                    .as("%s [kernel]: bounce alerts", scenario)
                    .isEqualTo(bounces);
        } else {
            assertThat(types)
                    .as("%s [robust]: alerts", scenario)
                    .containsExactlyInAnyOrderElementsOf(
                            ROBUST_ALERTS.getOrDefault(scenario, List.of()));
        }
    }
}
