package io.ctstream.launcher;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.HelperMode;
import io.ctstream.capture.file.CaptureFileException;
import io.ctstream.launcher.analyze.InProcessAnalyzer;
import io.ctstream.launcher.analyze.PipelineAnalyzer;
import io.ctstream.launcher.config.ConfigSource;
import io.ctstream.launcher.errors.ErrorHandler;
import io.ctstream.launcher.errors.ExitCodes;
import io.ctstream.launcher.format.CaptureTotalsJson;
import io.ctstream.launcher.format.OutputFormat;
import io.ctstream.launcher.format.ReportWriter;
import io.ctstream.launcher.preflight.Preflight;
import io.ctstream.launcher.progress.ProgressOptions;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.json.JsonViews;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctstream analyze}: the real pipeline (capture-agent replay, streams-app topology) over
 * captures and a report of the connections, expectations and alerts it found: in this JVM without a
 * broker ({@link InProcessAnalyzer}), or on the cluster of {@code --bootstrap-servers} ({@link
 * PipelineAnalyzer}).
 */
@Command(
        name = "analyze",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the pipeline over pcap/pcapng captures and writes a JSON report "
                    + "(connections, expectations, rejected announcements, alerts).",
            "Without --bootstrap-servers the topology runs in this process (no broker, no registry); with it, "
                    + "on that cluster and its --schema-registry-url."
        })
public final class AnalyzeCommand implements Callable<Integer> {

    /** One --pcap with its optional --sensor. */
    static final class Capture {
        @Option(
                names = "--pcap",
                required = true,
                paramLabel = "FILE",
                description = "A capture to replay.")
        Path pcap;

        @Option(
                names = "--sensor",
                paramLabel = "NAME",
                description = "Sensor that saw it (default: sensor-1).")
        String sensor = "sensor-1";
    }

    @ArgGroup(exclusive = false, multiplicity = "1..*")
    List<Capture> captures = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description =
                    "Write the report here (default: standard output); with --format zeek, the directory of the "
                            + "logs (default: the current directory).")
    Path out;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "json",
            description =
                    "json (the report, default), jsonl (one object per connection, expectation and alert), "
                            + "zeek (conn.log and expectations.log) or table (conntrack -L style).")
    OutputFormat format;

    @Option(
            names = "--helper-mode",
            paramLabel = "MODE",
            description =
                    "robust (reassemble control channels) or kernel (exactly as the Linux helpers); over "
                            + "helper.mode of --config (default robust).")
    HelperMode helperMode;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of the run's topics on a cluster (default 4).")
    int partitions;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "Stream threads on a cluster (default 2).")
    int threads;

    @Option(
            names = "--keep-topics",
            description =
                    "With --bootstrap-servers: keep the run's topics (deleted at the end by default).")
    boolean keepTopics;

    @Mixin ClientOptions client;

    @Mixin ProgressOptions progress = new ProgressOptions();

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // the report (and the progress line) are the output; the components' INFO lines only with
        // --verbose
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        if (!spec.commandLine().getParseResult().hasMatchedOption(ErrorHandler.VERBOSE)) {
            root.setLevel(Level.WARN);
        }
        try {
            return analyze();
        } finally {
            root.setLevel(level);
        }
    }

    private int analyze() throws Exception {
        // every check before the embedded broker and registry start (about 40 s)
        Preflight.atLeast("--partitions", partitions, 1);
        Preflight.atLeast("--threads", threads, 1);
        if (format == OutputFormat.ZEEK) {
            Preflight.outputDirectory(out, "--out");
        } else {
            Preflight.outputFile(out, "--out");
        }
        Preflight.captureFiles(captures.stream().map(c -> c.pcap).toList());
        // --config and --set: conntrack timeouts, helpers, caps (CONFIGURATION.md), checked before
        // anything starts
        ConfigSource config = client.config();
        HelperMode mode =
                helperMode != null
                        ? helperMode
                        : config.bindStreams(StreamsAppConfig.builder()).helpers().mode();
        List<PipelineAnalyzer.Input> inputs =
                captures.stream().map(c -> new PipelineAnalyzer.Input(c.pcap, c.sensor)).toList();
        PipelineAnalyzer.Options options =
                new PipelineAnalyzer.Options(
                        partitions,
                        threads,
                        PipelineAnalyzer.Options.defaults().quietPeriod(),
                        PipelineAnalyzer.Options.defaults().timeout(),
                        b -> {
                            StreamsAppConfig.Builder bound = config.bindStreams(b);
                            return bound.helpers(bound.helpers().toBuilder().mode(mode).build());
                        });
        String bootstrap = client.properties().getProperty("bootstrap.servers");
        PipelineAnalyzer.Result result;
        if (bootstrap == null) {
            // no broker: the topology in this JVM (seconds, JVM start included, for a small
            // capture)
            result =
                    new InProcessAnalyzer(new SimpleMeterRegistry(), progress.show())
                            .sensorConfig(config::bindEdge)
                            .analyze(inputs, options);
        } else {
            client.requireReachable();
            client.requireSchemaRegistryUrl();
            // --config's TLS, SASL and registry auth included
            result =
                    new PipelineAnalyzer(client.properties(), new SimpleMeterRegistry())
                            .showProgress(progress.show())
                            .topicPrefix(client.topicPrefix())
                            .keepTopics(keepTopics)
                            .sensorConfig(config::bindEdge)
                            .analyze(inputs, options);
        }
        describe(result, mode);
        ObjectNode report = result.report();
        List<Path> written =
                new ReportWriter(JsonViews.MAPPER).write(report, format, out, System.out);
        if (!written.isEmpty()) {
            System.err.printf(
                    "report: %d connections, %d expectations, %d rejected, %d alerts -> %s%n",
                    report.path("connections").size(),
                    report.path("expectations").size(),
                    report.path("rejected").size(),
                    report.path("alerts").size(),
                    String.join(", ", written.stream().map(Path::toString).toList()));
        }
        for (CaptureFileException cut : result.cutShort()) {
            System.err.println("ctstream analyze: warning: " + CaptureAgentRunner.cutShort(cut));
        }
        return result.cutShort().isEmpty() ? ExitCodes.OK : ExitCodes.TRUNCATED_INPUT;
    }

    /** The report's run fields: helper mode, each sensor's capture totals, the cuts. */
    private static void describe(PipelineAnalyzer.Result result, HelperMode mode) {
        ObjectNode report = result.report();
        report.put("helper_mode", mode.name().toLowerCase(Locale.ROOT));
        ObjectNode totals = report.putObject("capture");
        result.captureTotals().forEach((sensor, t) -> totals.set(sensor, CaptureTotalsJson.of(t)));
        if (!result.cutShort().isEmpty()) {
            // the report covers the packets before each cut; say so in it, not only on stderr
            result.cutShort()
                    .forEach(
                            cut ->
                                    report.withArray("warnings")
                                            .add(CaptureAgentRunner.cutShort(cut)));
        }
    }
}
