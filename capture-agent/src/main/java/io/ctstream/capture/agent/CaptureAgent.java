package io.ctstream.capture.agent;

import io.ctstream.avro.FlowKey;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.decode.RejectReason;
import io.ctstream.capture.publish.DropReason;
import io.ctstream.capture.publish.PacketProducers;
import io.ctstream.capture.publish.PacketPublisher;
import io.ctstream.capture.source.LiveSource;
import io.ctstream.capture.source.PacketSource;
import io.ctstream.capture.source.ReplaySource;
import io.ctstream.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture agent: a source (replay or live) → decoder → edge payload policy → bounded queue →
 * idempotent producer, keyed by the canonical FlowKey (FlowKeySerde: bytes that depend on the flow
 * alone, so partitioning never depends on a registry id), values in the project's Avro serde.
 * {@link #run()} blocks until the source ends or {@link #stop()} is called, then flushes and
 * returns the totals.
 */
public final class CaptureAgent {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureAgent.class);

    private final CaptureAgentConfig config;
    private final CaptureMetrics metrics;
    private final MeterRegistry registry;
    private final PacketSource source;
    private final Producer<byte[], byte[]> producer;
    private final Serializer<FlowKey> keySerializer;
    private final Serializer<PacketRecord> valueSerializer;
    private final Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
    private volatile boolean stopRequested;

    /** Builds the producer from the config's client properties and the project's Avro serde. */
    public CaptureAgent(CaptureAgentConfig config, MeterRegistry registry) throws IOException {
        this(config, registry, PacketProducers.create(config.clientProperties(), "ctstream-capture-" + config.sensorId()),
                new FlowKeySerde(), serializer(PacketRecord.class, config, false));
    }

    /** Uses the given byte producer and serializers (which run on the capture threads); the agent closes the producer. */
    public CaptureAgent(CaptureAgentConfig config, MeterRegistry registry, Producer<byte[], byte[]> producer,
                        Serializer<FlowKey> keySerializer, Serializer<PacketRecord> valueSerializer) throws IOException {
        enableGeneratedCoders();
        this.config = config;
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.metrics = new CaptureMetrics(registry, config.sensorId());
        this.registry = registry;
        this.producer = producer;
        if (config.isReplay()) {
            this.source = new ReplaySource(config.replayFiles(), config.replaySpeed());
        } else {
            LiveSource live = new LiveSource(config.live());
            live.pcapStats().forEach((itf, c) -> metrics.pcapStats(itf, c.received, c.dropped, c.ifDropped));
            this.source = live;
        }
    }

    /**
     * Avro writes specific records through the encoders generated into their classes only when asked
     * (off by default): the same bytes, about 2.5 times faster than the reflective path, which makes
     * serialization the cheapest part of the replay hot path instead of the dearest. Set on the model
     * that {@code SpecificData.getForSchema} gives the serde's datum writers.
     */
    static void enableGeneratedCoders() {
        SpecificData.getForSchema(PacketRecord.getClassSchema()).setCustomCoders(true);
        SpecificData.getForSchema(FlowKey.getClassSchema()).setCustomCoders(true);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> Serializer<T> serializer(
            Class<T> type, CaptureAgentConfig config, boolean isKey) {
        Map<String, Object> serdeConfig = new HashMap<>();
        config.clientProperties().forEach((k, v) -> serdeConfig.put(String.valueOf(k), v));
        if (!serdeConfig.containsKey("schema.registry.url")) {
            throw new IllegalArgumentException("no schema registry: schema.registry.url is required");
        }
        return AvroSerdes.specific(type, serdeConfig, isKey).serializer();
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
            ((LiveSource) source).open(); // fail fast on setup errors, before the producer does anything
        }
        LOG.info("sensor {}: {} → topic {}", config.sensorId(), source.describe(), config.topic());
        PacketPublisher publisher = new PacketPublisher(producer, keySerializer, valueSerializer, config.topic(), config.queueCapacity(), config.overflow(),
                metrics);
        // the producer's own metrics (record send rate, batch size, request latency) in the agent's registry
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        metrics.queueDepth(publisher::queued);
        java.util.List<FrameHandler> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
        ReplayProgress progress = config.progress() && source instanceof ReplaySource
                ? new ReplayProgress((ReplaySource) source, System.err) : null;
        IOException failure = null;
        try {
            source.run(() -> {
                FrameHandler h = new FrameHandler(config.sensorId(), config.payloadPolicy(), publisher, metrics);
                handlers.add(h);
                return h;
            });
        } catch (IOException e) {
            failure = e; // everything before the bad spot is published below, then the error is reported
        } finally {
            if (progress != null) {
                progress.close();
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
        CaptureTotals totals = new CaptureTotals(metrics.packetsCaptured(), decoded, fragments, Map.copyOf(rejected),
                publisher.published(), dropped, metrics.producerErrors(), Duration.ofNanos(System.nanoTime() - start));
        LOG.info("sensor {}{}: {}", config.sensorId(), stopRequested ? " (stopped)" : "", totals.describe());
        if (failure != null) {
            throw new CaptureRunException(failure, totals);
        }
        return totals;
    }

    /** Stops the source; {@link #run()} then flushes and returns. Safe from a signal handler. */
    public void stop() {
        stopRequested = true;
        source.stop();
    }
}
