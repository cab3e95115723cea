package io.ctstream.launcher.analyze;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.agent.CaptureAgent;
import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.agent.CaptureRunException;
import io.ctstream.capture.agent.CaptureTotals;
import io.ctstream.capture.file.CaptureFileCheck;
import io.ctstream.capture.file.CaptureFileException;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.config.HelperKeys;
import io.ctstream.streams.inprocess.InProcessPipeline;
import io.ctstream.streams.json.AnalysisReport;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * {@code ctstream analyze} without a broker: the capture agent's replay (same decoder, payload
 * policy and per-flow batches) straight into the conntrack topology run in-process ({@link
 * InProcessPipeline}), with a schema registry inside the JVM ({@code mock://}). Nothing to start,
 * so a small capture is analysed in about the JVM's start time; the report is the one {@link
 * PipelineAnalyzer} builds from a broker run (LabConformanceTest compares them on every lab
 * capture, both helper modes, batched and not). Partitions and stream threads do not apply: one
 * task owns every partition.
 */
public final class InProcessAnalyzer {
    /** Records queued between the agent's reader and the topology. */
    private static final int IN_PROCESS_QUEUE = 1024;

    private final MeterRegistry meters;
    private final boolean progress;
    private UnaryOperator<CaptureAgentConfig.Builder> sensorConfig = b -> b;

    /**
     * @param progress draw the capture agent's progress line on stderr
     */
    public InProcessAnalyzer(MeterRegistry meters, boolean progress) {
        this.meters = meters;
        this.progress = progress;
    }

    /** Settings of the sensors that replay the captures (the config file's {@code edge.*} keys). */
    public InProcessAnalyzer sensorConfig(UnaryOperator<CaptureAgentConfig.Builder> settings) {
        this.sensorConfig = settings;
        return this;
    }

    public PipelineAnalyzer.Result analyze(
            List<PipelineAnalyzer.Input> inputs, PipelineAnalyzer.Options options)
            throws IOException {
        for (PipelineAnalyzer.Input in : inputs) {
            CaptureFileCheck.check(in.pcap());
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "analyze-" + run + "-";
        String registry = "mock://ctstream-analyze-" + run;
        StreamsAppConfig config =
                options.streamsConfig()
                        .apply(
                                StreamsAppConfig.builder()
                                        .applicationId(prefix + "streams")
                                        .bootstrapServers("in-process:0")
                                        .schemaRegistryUrl(registry)
                                        .topicPrefix(prefix))
                        .build();
        String topic = config.topic(Topics.PACKETS);
        int packetSchemaId =
                AvroSerdes.specific(
                                PacketRecord.class, Map.of("schema.registry.url", registry), false)
                        .serializer()
                        .schemaId(topic, PacketRecord.getClassSchema());
        Map<String, List<Path>> bySensor = new LinkedHashMap<>();
        for (PipelineAnalyzer.Input in : inputs) {
            bySensor.computeIfAbsent(in.sensor(), s -> new ArrayList<>()).add(in.pcap());
        }
        Map<String, CaptureTotals> totals = new LinkedHashMap<>();
        List<CaptureFileException> cutShort = new ArrayList<>();
        try (InProcessPipeline pipeline = new InProcessPipeline(config, meters)) {
            for (Map.Entry<String, List<Path>> e : bySensor.entrySet()) {
                CaptureAgentConfig agent =
                        sensorConfig
                                .apply(
                                        CaptureAgentConfig.builder()
                                                .batchPackets(options.batchPackets())
                                                // the payload the helpers of this config read
                                                // (helper.<kind>.ports)
                                                .helperPorts(
                                                        new ArrayList<>(
                                                                HelperKeys.payloadPorts(
                                                                        config.helpers()))))
                                .sensorId(e.getKey())
                                .topic(topic)
                                .clientProperties(new Properties())
                                .replay(e.getValue(), 0)
                                .progress(progress)
                                // the topology is the slower side: a short queue makes the replay
                                // wait for it (no drop),
                                // and the agent's close waits for the last record rather than
                                // dropping what is queued
                                .queueCapacity(IN_PROCESS_QUEUE)
                                .shutdownTimeout(Duration.ofDays(1))
                                .build();
                totals.put(e.getKey(), replayUpToACut(agent, packetSchemaId, pipeline, cutShort));
            }
            pipeline.end();
            ObjectNode report =
                    AnalysisReport.build(
                            pipeline.connectionEvents(),
                            pipeline.liveConnections(),
                            pipeline.expectationEvents(),
                            pipeline.alerts());
            return new PipelineAnalyzer.Result(report, totals, prefix, List.copyOf(cutShort));
        }
    }

    private CaptureTotals replayUpToACut(
            CaptureAgentConfig agent,
            int packetSchemaId,
            InProcessPipeline pipeline,
            List<CaptureFileException> cutShort)
            throws IOException {
        try {
            return new CaptureAgent(agent, meters, packetSchemaId, new InProcessProducer(pipeline))
                    .run();
        } catch (CaptureRunException e) {
            if (e.getCause() instanceof CaptureFileException cut && cut.truncated()) {
                cutShort.add(cut);
                return e.totals();
            }
            throw e;
        }
    }
}
