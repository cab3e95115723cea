package io.ctstream.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.HelperMode;
import io.ctstream.embedded.EmbeddedStack;
import io.ctstream.capture.file.CaptureFileException;
import io.ctstream.launcher.analyze.PipelineAnalyzer;
import io.ctstream.launcher.analyze.TopicReader;
import io.ctstream.launcher.errors.ExitCodes;
import io.ctstream.launcher.preflight.Preflight;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.json.JsonViews;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ctstream analyze}: the real pipeline (capture-agent replay, streams-app) over captures, on
 * the embedded broker and registry unless {@code --bootstrap-servers} is given, and a JSON report
 * of the connections, expectations and alerts it found.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Runs the pipeline over pcap/pcapng captures and writes a JSON report "
                + "(connections, expectations, rejected announcements, alerts).",
                "Without --bootstrap-servers it starts an embedded Kafka and schema registry for the run."})
public final class AnalyzeCommand implements Callable<Integer> {

    /** One --pcap with its optional --sensor. */
    static final class Capture {
        @Option(names = "--pcap", required = true, paramLabel = "FILE", description = "A capture to replay.")
        Path pcap;

        @Option(names = "--sensor", paramLabel = "NAME", description = "Sensor that saw it (default: sensor-1).")
        String sensor = "sensor-1";
    }

    @ArgGroup(exclusive = false, multiplicity = "1..*")
    List<Capture> captures = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report here (default: standard output).")
    Path out;

    @Option(names = "--helper-mode", paramLabel = "MODE", defaultValue = "robust",
            description = "robust (reassemble control channels; default) or kernel (exactly as the Linux helpers).")
    HelperMode helperMode;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the run's topics (default 4).")
    int partitions;

    @Option(names = "--threads", defaultValue = "2", description = "Stream threads (default 2).")
    int threads;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws Exception {
        // every check before the embedded broker and registry start (about 40 s)
        Preflight.atLeast("--partitions", partitions, 1);
        Preflight.atLeast("--threads", threads, 1);
        Preflight.outputFile(out, "--out");
        Preflight.captureFiles(captures.stream().map(c -> c.pcap).toList());
        List<PipelineAnalyzer.Input> inputs = captures.stream()
                .map(c -> new PipelineAnalyzer.Input(c.pcap, c.sensor)).toList();
        PipelineAnalyzer.Options options = new PipelineAnalyzer.Options(partitions, threads,
                PipelineAnalyzer.Options.defaults().quietPeriod(), PipelineAnalyzer.Options.defaults().timeout(),
                b -> b.helpers(HelperConfig.defaults().toBuilder().mode(helperMode).build()));
        String bootstrap = client.properties().getProperty("bootstrap.servers");
        PipelineAnalyzer.Result result;
        if (bootstrap == null) {
            try (EmbeddedStack stack = new EmbeddedStack().start()) {
                result = run(TopicReader.clientOf(stack.bootstrapServers(), stack.schemaRegistryUrl()), inputs, options);
            }
        } else {
            client.requireReachable();
            client.requireSchemaRegistryUrl();
            result = run(client.properties(), inputs, options); // --config's TLS, SASL and registry auth included
        }
        ObjectNode report = result.report();
        String json = JsonViews.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        if (out == null) {
            System.out.println(json);
        } else {
            Files.writeString(out, json + System.lineSeparator());
            System.err.printf("report: %d connections, %d expectations, %d rejected, %d alerts -> %s%n",
                    report.path("connections").size(), report.path("expectations").size(),
                    report.path("rejected").size(), report.path("alerts").size(), out);
        }
        for (CaptureFileException cut : result.cutShort()) {
            System.err.println("ctstream analyze: warning: " + CaptureAgentRunner.cutShort(cut));
        }
        return result.cutShort().isEmpty() ? ExitCodes.OK : ExitCodes.TRUNCATED_INPUT;
    }

    private PipelineAnalyzer.Result run(java.util.Properties clientProperties, List<PipelineAnalyzer.Input> inputs,
                           PipelineAnalyzer.Options options) throws Exception {
        PipelineAnalyzer analyzer = new PipelineAnalyzer(clientProperties, new SimpleMeterRegistry());
        PipelineAnalyzer.Result result = analyzer.analyze(inputs, options);
        ObjectNode report = result.report();
        report.put("helper_mode", helperMode.name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode totals = report.putObject("capture");
        result.captureTotals().forEach((sensor, t) -> totals.put(sensor, String.valueOf(t)));
        if (!result.cutShort().isEmpty()) {
            // the report covers the packets before each cut; say so in it, not only on stderr
            result.cutShort().forEach(cut -> report.withArray("warnings").add(CaptureAgentRunner.cutShort(cut)));
        }
        return result;
    }
}
