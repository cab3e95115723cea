package io.ctstream.bench.support;

import io.ctstream.capture.synth.Synth;
import io.ctstream.capture.synth.SynthMix;
import io.ctstream.embedded.EmbeddedKafka;
import io.ctstream.embedded.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The one embedded broker and registry a bench run measures against, and the synthetic captures it
 * replays (written once per size by {@code ctstream synth}'s generator, deleted at the end).
 */
public final class BenchCluster implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;
    private final Path dir;
    private final Map<String, Path> captures = new HashMap<>();

    private BenchCluster(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Path dir) {
        this.kafka = kafka;
        this.registry = registry;
        this.dir = dir;
    }

    public static BenchCluster start() throws IOException {
        Path dir = Files.createTempDirectory("ctstream-bench");
        EmbeddedKafka kafka = new EmbeddedKafka().start();
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry().start();
        return new BenchCluster(kafka, registry, dir);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** bootstrap.servers and schema.registry.url, for the agent and the serdes. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        p.put("schema.registry.url", registryUrl());
        return p;
    }

    /** A fresh topic name with {@code stem} in it. */
    public static String unique(String stem) {
        return "bench-" + stem + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String createTopic(String name, int partitions) {
        kafka.createTopic(name, partitions);
        return name;
    }

    /**
     * A deterministic synthetic capture of {@code packets} packets of the default mix (same seed
     * every run).
     */
    public Path capture(long packets) throws IOException {
        return capture(packets, SynthMix.DEFAULT);
    }

    /**
     * A deterministic synthetic capture of {@code packets} packets of {@code mix} (same seed every
     * run).
     */
    public synchronized Path capture(long packets, SynthMix mix) throws IOException {
        String name = "synth-" + mix.cliName() + "-" + packets + ".pcap";
        Path p = captures.get(name);
        if (p == null) {
            p = dir.resolve(name);
            System.out.printf(
                    "writing a synthetic capture of %,d packets (%s mix) ...%n",
                    packets, mix.cliName());
            Synth.write(p, packets, 2026, mix);
            captures.put(name, p);
        }
        return p;
    }

    public Path workDir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            registry.close();
        } finally {
            kafka.close();
            Files.walk(dir).sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
