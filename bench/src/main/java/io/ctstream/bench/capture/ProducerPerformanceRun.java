package io.ctstream.bench.capture;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Kafka's own producer performance tool ({@code kafka-producer-perf-test}), run in this JVM with
 * the given producer properties; returns the records/s of its total line.
 */
final class ProducerPerformanceRun {
    private static final Pattern RATE =
            Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

    private ProducerPerformanceRun() {}

    static double run(String topic, long records, int recordSize, Properties producer)
            throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--topic",
                                topic,
                                "--num-records",
                                Long.toString(records),
                                "--record-size",
                                Integer.toString(recordSize),
                                "--throughput",
                                "-1",
                                "--command-property"));
        for (String name : producer.stringPropertyNames()) {
            args.add(name + "=" + producer.getProperty(name));
        }
        String out = captureStdout(() -> ProducerPerformance.main(args.toArray(String[]::new)));
        Matcher m = RATE.matcher(out);
        double rate = -1;
        while (m.find()) {
            rate = Double.parseDouble(m.group(2)); // the last match is the total line
        }
        if (rate < 0) {
            throw new IllegalStateException("ProducerPerformance printed no total line:\n" + out);
        }
        return rate;
    }

    private interface Body {
        void run() throws Exception;
    }

    private static synchronized String captureStdout(Body body) throws Exception {
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
