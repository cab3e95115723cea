package io.ctstream.capture.agent;

import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.batch.FlowBatcher;
import io.ctstream.capture.decode.RejectReason;
import io.ctstream.capture.encode.PacketRecordEncoder;
import io.ctstream.capture.publish.DropReason;
import io.ctstream.capture.publish.PacketProducers;
import io.ctstream.capture.publish.PacketPublisher;
import io.ctstream.capture.source.LiveSource;
import io.ctstream.capture.source.PacketSource;
import io.ctstream.capture.source.ReplaySource;
import io.ctstream.registry.CompatibilityCheck;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture agent: a source (replay or live) → decoder → edge payload policy → per-flow batcher
 * (encodes each packet into its flow's batch) → bounded queue → idempotent producer, keyed by the
 * canonical FlowKey (FlowKeySerde's bytes, which depend on the flow alone, so partitioning never
 * depends on a registry id), values in the registry wire format of the project's Avro serde (the
 * schema is registered, or looked up, when the agent is built). {@link #run()} blocks until the
 * source ends or {@link #stop()} is called, then flushes and returns the totals.
 */
public final class CaptureAgent {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureAgent.class);

    private final CaptureAgentConfig config;
    private final CaptureMetrics metrics;
    private final MeterRegistry registry;
    private final PacketSource source;
    private final Producer<byte[], byte[]> producer;
    private final int packetSchemaId;
    private final Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
    private volatile boolean stopRequested;

    /**
     * Registers (or looks up) the PacketRecord schema under the topic's subject, then builds the
     * producer from the config's client properties.
     *
     * @throws org.apache.kafka.common.errors.SerializationException when the registry refuses the
     *     schema or cannot be reached
     */
    public CaptureAgent(CaptureAgentConfig config, MeterRegistry registry) throws IOException {
        this(
                config,
                registry,
                packetSchemaId(config),
                PacketProducers.create(
                        config.clientProperties(), "ctstream-capture-" + config.sensorId()));
    }

    /**
     * Writes values with the given registry id of the PacketRecord schema, through the given byte
     * producer (which the agent closes).
     */
    public CaptureAgent(
            CaptureAgentConfig config,
            MeterRegistry registry,
            int packetSchemaId,
            Producer<byte[], byte[]> producer)
            throws IOException {
        this.config = config;
        this.packetSchemaId = packetSchemaId;
        this.metrics = new CaptureMetrics(registry, config.sensorId());
        this.registry = registry;
        this.producer = producer;
        if (config.isReplay()) {
            this.source = new ReplaySource(config.replayFiles(), config.replaySpeed());
        } else {
            LiveSource live = new LiveSource(config.live());
            live.pcapStats()
                    .forEach(
                            (itf, c) -> metrics.pcapStats(itf, c.received, c.dropped, c.ifDropped));
            this.source = live;
        }
    }

    /**
     * The id the project's serializer would put in each value's header, from the registry the
     * config names.
     */
    private static int packetSchemaId(CaptureAgentConfig config) {
        Map<String, Object> serdeConfig = new HashMap<>();
        config.clientProperties().forEach((k, v) -> serdeConfig.put(String.valueOf(k), v));
        if (!serdeConfig.containsKey("schema.registry.url")) {
            throw new IllegalArgumentException(
                    "no schema registry: schema.registry.url is required");
        }
        try (SpecificAvroSerializer<PacketRecord> serializer =
                AvroSerdes.specific(PacketRecord.class, serdeConfig, false).serializer()) {
            int id = serializer.schemaId(config.topic(), PacketRecord.getClassSchema());
            CompatibilityCheck.warnIfNone(serdeConfig, List.of(config.topic()));
            return id;
        }
    }

    public CaptureMetrics metrics() {
        return metrics;
    }

    public PacketSource source() {
        return source;
    }

    /** Runs to the end of the source (or until {@link #stop()}), flushes, closes the producer. */
    public CaptureTotals run() throws IOException {
        long start = System.nanoTime();
        if (source instanceof LiveSource) {
            ((LiveSource) source)
                    .open(); // fail fast on setup errors, before the producer does anything
        }
        LOG.info("sensor {}: {} → topic {}", config.sensorId(), source.describe(), config.topic());
        // The topic's metadata now, not on the first packet's send: in the live gateway lab the
        // first packets
        // after start were acknowledged 300 ms after capture (later ones in 10-90 ms), in front of
        // the first
        // pinhole (issue 16).
        producer.partitionsFor(config.topic());
        PacketProducers.warmUpCompression(
                PacketProducers.properties(config.clientProperties(), "warm-up"));
        PacketPublisher publisher =
                new PacketPublisher(
                        producer,
                        config.topic(),
                        config.queueCapacity(),
                        config.overflow(),
                        metrics);
        // the producer's own metrics (record send rate, batch size, request latency) in the agent's
        // registry
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        metrics.queueDepth(publisher::queued);
        List<FrameHandler> handlers = new CopyOnWriteArrayList<>();
        metrics.openBatches(() -> handlers.stream().mapToInt(h -> h.batcher().openBatches()).sum());
        ReplayProgress progress =
                config.progress() && source instanceof ReplaySource
                        ? new ReplayProgress((ReplaySource) source, System.err)
                        : null;
        ScheduledExecutorService idleFlush =
                config.batchIdleTimer() ? startIdleFlush(handlers) : null;
        IOException failure = null;
        try {
            source.run(
                    () -> {
                        FlowBatcher batcher =
                                new FlowBatcher(
                                        config.batch(),
                                        new PacketRecordEncoder(packetSchemaId, config.sensorId()),
                                        publisher,
                                        metrics,
                                        config.batchIdleTimer());
                        FrameHandler h =
                                new FrameHandler(
                                        batcher, config.payloadPolicy(), publisher, metrics);
                        handlers.add(h);
                        return h;
                    });
        } catch (IOException e) {
            failure = e; // everything before the bad spot is published below, then the error is
            // reported
        } finally {
            if (progress != null) {
                progress.close();
            }
            if (idleFlush != null) {
                idleFlush.shutdownNow();
                awaitQuietly(idleFlush);
            }
            for (FrameHandler h : handlers) {
                h.batcher()
                        .flushAll(); // end of replay or stop: the open batches go, nothing is left
                // behind
            }
            publisher.close(config.shutdownTimeout());
            producerMetrics.close();
        }
        long decoded = 0;
        long fragments = 0;
        for (FrameHandler h : handlers) {
            decoded += h.counters().decoded();
            fragments += h.counters().fragments();
            h.counters().rejectedByReason().forEach((r, n) -> rejected.merge(r, n, Long::sum));
        }
        Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            if (publisher.dropped(r) > 0) {
                dropped.put(r, publisher.dropped(r));
            }
        }
        CaptureTotals totals =
                new CaptureTotals(
                        metrics.packetsCaptured(),
                        decoded,
                        fragments,
                        Map.copyOf(rejected),
                        publisher.published(),
                        publisher.publishedRecords(),
                        dropped,
                        metrics.producerErrors(),
                        Duration.ofNanos(System.nanoTime() - start));
        LOG.info(
                "sensor {}{}: {}",
                config.sensorId(),
                stopRequested ? " (stopped)" : "",
                totals.describe());
        if (failure != null) {
            throw new CaptureRunException(failure, totals);
        }
        return totals;
    }

    /**
     * Live capture (and paced replay): a timer publishes the batches of quiet flows, which no later
     * packet's capture time would age out, so none waits much longer than the batch age. It runs
     * every fifth of the age (at least 100 µs) and publishes what would pass the age before its
     * next run.
     */
    private ScheduledExecutorService startIdleFlush(List<FrameHandler> handlers) {
        long periodNanos = Math.max(100_000L, config.batch().micros() * 1000L / 5);
        ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "ctstream-batch-idle-flush");
                            t.setDaemon(true);
                            return t;
                        });
        timer.scheduleAtFixedRate(
                () -> {
                    long now = System.nanoTime();
                    for (FrameHandler h : handlers) {
                        try {
                            h.batcher().flushIdle(now, periodNanos);
                        } catch (RuntimeException e) {
                            LOG.warn(
                                    "idle batch flush failed (the batches go at the next packet or at the end): {}",
                                    e.toString());
                        }
                    }
                },
                periodNanos,
                periodNanos,
                TimeUnit.NANOSECONDS);
        return timer;
    }

    private static void awaitQuietly(ScheduledExecutorService timer) {
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the source; {@link #run()} then flushes and returns. Safe from a signal handler. */
    public void stop() {
        stopRequested = true;
        source.stop();
    }
}
