package io.ctstream.bench;

import io.ctstream.capture.agent.CaptureAgent;
import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.agent.CaptureTotals;
import io.ctstream.capture.synth.Synth;
import io.ctstream.embedded.EmbeddedKafka;
import io.ctstream.embedded.EmbeddedSchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Replay rate of the capture agent (synthetic pcap → decode → Avro → idempotent producer → embedded
 * broker) next to Kafka's own ProducerPerformance for the same number of records of the same
 * average size with the same producer settings, and their ratio (goal ≥ 0.9).
 *
 * <p>Usage: {@code CaptureReplayBench [packets (default 2000000)] [partitions (default 4)]}
 */
public final class CaptureReplayBench {
    private static final Pattern RATE = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

    private CaptureReplayBench() {
    }

    public static void main(String[] args) throws Exception {
        long packets = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path dir = Files.createTempDirectory("ctstream-bench-capture");
        Path pcap = dir.resolve("synth.pcap");
        System.out.printf("writing a synthetic capture of %,d packets ...%n", packets);
        Synth.write(pcap, packets, 2026);
        System.out.printf("  %s: %,d bytes%n", pcap, Files.size(pcap));

        try (EmbeddedKafka kafka = new EmbeddedKafka().start();
             EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start()) {
            String agentTopic = "bench-packets";
            String perfTopic = "bench-producer-performance";
            kafka.createTopic(agentTopic, partitions);
            kafka.createTopic(perfTopic, partitions);

            // Warm the broker (JIT, log segments, request handlers) so neither measured run pays for it.
            kafka.createTopic("bench-warmup", partitions);
            System.out.println("warming up the broker ...");
            captureStdout(() -> ProducerPerformance.main(new String[] {"--topic", "bench-warmup", "--num-records", "300000",
                "--record-size", "100", "--throughput", "-1", "--producer-props", "bootstrap.servers=" + kafka.bootstrapServers(),
                "acks=all", "linger.ms=10"}));

            Properties client = new Properties();
            client.put("bootstrap.servers", kafka.bootstrapServers());
            client.put("schema.registry.url", registry.url());
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            CaptureAgentConfig config = CaptureAgentConfig.builder().sensorId("bench").topic(agentTopic)
                    .clientProperties(client).replay(List.of(pcap), 0).build();
            System.out.println("replaying through the capture agent ...");
            CaptureTotals totals = new CaptureAgent(config, meters).run();
            double agentRate = totals.publishRate();
            double bytesPublished = meters.get("ctstream.capture.bytes.published").counter().count();
            int avgSize = (int) Math.max(1, Math.round(bytesPublished / Math.max(1, totals.published())));
            System.out.println("  " + totals.describe());

            System.out.printf("running ProducerPerformance: %,d records of %d bytes ...%n", totals.published(), avgSize);
            String[] perfArgs = {
                "--topic", perfTopic,
                "--num-records", Long.toString(totals.published()),
                "--record-size", Integer.toString(avgSize),
                "--throughput", "-1",
                "--producer-props",
                "bootstrap.servers=" + kafka.bootstrapServers(),
                "acks=all", "enable.idempotence=true", "compression.type=lz4", "linger.ms=10",
                "batch.size=" + (512 * 1024), "buffer.memory=" + (128L * 1024 * 1024), "max.in.flight.requests.per.connection=5",
            };
            String perfOut = captureStdout(() -> ProducerPerformance.main(perfArgs));
            System.out.print(perfOut.lines().map(l -> "  " + l + "\n").reduce("", String::concat));
            Matcher m = RATE.matcher(perfOut);
            double perfRate = -1;
            while (m.find()) {
                perfRate = Double.parseDouble(m.group(2)); // the last match is the total line
            }
            System.out.println();
            System.out.printf("capture-agent replay:  %,12.0f records/s  (%,d records, avg %d bytes key+value)%n",
                    agentRate, totals.published(), avgSize);
            System.out.printf("ProducerPerformance:   %,12.0f records/s%n", perfRate);
            System.out.printf("ratio agent/baseline:  %.2f  (goal >= 0.90)%n", perfRate <= 0 ? 0 : agentRate / perfRate);
        } finally {
            Files.deleteIfExists(pcap);
            Files.deleteIfExists(dir);
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static String captureStdout(Body body) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream tee = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            body.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
