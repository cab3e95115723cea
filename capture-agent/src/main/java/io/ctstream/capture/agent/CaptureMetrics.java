package io.ctstream.capture.agent;

import io.ctstream.capture.batch.FlowBatcher;
import io.ctstream.capture.batch.FlushReason;
import io.ctstream.capture.decode.RejectReason;
import io.ctstream.capture.mask.CredentialMasker;
import io.ctstream.capture.mask.MaskedCommand;
import io.ctstream.capture.publish.DropReason;
import io.ctstream.capture.publish.PublishListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The agent's Micrometer meters (all named {@code ctstream.capture.*}, tagged with the sensor id):
 * packets and bytes captured, packets, records and bytes published (packets/records is the
 * batching's gain), drops by reason (in packets), batches flushed by reason, parse errors by
 * reason, producer errors, send latency, queue depth, credentials masked by command and libpcap's
 * own statistics.
 */
public final class CaptureMetrics
        implements PublishListener, FlowBatcher.Listener, CredentialMasker.Listener {
    private final MeterRegistry registry;
    private final String sensor;
    private final Counter packetsCaptured;
    private final Counter bytesCaptured;
    private final Counter packetsPublished;
    private final Counter recordsPublished;
    private final Counter bytesPublished;
    private final Counter producerErrors;
    private final Counter fragments;
    private final Timer sendLatency;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    private final Map<RejectReason, Counter> parseErrors = new EnumMap<>(RejectReason.class);
    private final Map<FlushReason, Counter> batchesFlushed = new EnumMap<>(FlushReason.class);
    private final Map<MaskedCommand, Counter> credentialsMasked =
            new EnumMap<>(MaskedCommand.class);

    public CaptureMetrics(MeterRegistry registry, String sensorId) {
        this.registry = registry;
        this.sensor = sensorId;
        packetsCaptured =
                Counter.builder("ctstream.capture.packets.captured")
                        .description("Frames read from the source")
                        .tag("sensor", sensorId)
                        .register(registry);
        bytesCaptured =
                Counter.builder("ctstream.capture.bytes.captured")
                        .description("Bytes of frames on the wire")
                        .baseUnit("bytes")
                        .tag("sensor", sensorId)
                        .register(registry);
        packetsPublished =
                Counter.builder("ctstream.capture.packets.published")
                        .description("Packets in records acknowledged by Kafka")
                        .tag("sensor", sensorId)
                        .register(registry);
        recordsPublished =
                Counter.builder("ctstream.capture.records.published")
                        .description(
                                "Records acknowledged by Kafka (a record carries a batch of one flow's packets)")
                        .tag("sensor", sensorId)
                        .register(registry);
        bytesPublished =
                Counter.builder("ctstream.capture.bytes.published")
                        .description("Serialized key+value bytes acked")
                        .baseUnit("bytes")
                        .tag("sensor", sensorId)
                        .register(registry);
        producerErrors =
                Counter.builder("ctstream.capture.producer.errors")
                        .description("Failed sends")
                        .tag("sensor", sensorId)
                        .register(registry);
        fragments =
                Counter.builder("ctstream.capture.fragments")
                        .description("IP fragments decoded")
                        .tag("sensor", sensorId)
                        .register(registry);
        sendLatency =
                Timer.builder("ctstream.capture.send.latency")
                        .description("From producer send to broker ack, timed for one record in 64")
                        .tag("sensor", sensorId)
                        .register(registry);
        for (DropReason r : DropReason.values()) {
            dropped.put(
                    r,
                    Counter.builder("ctstream.capture.packets.dropped")
                            .description("Packets not published")
                            .tag("sensor", sensorId)
                            .tag("reason", r.name())
                            .register(registry));
        }
        for (FlushReason r : FlushReason.values()) {
            batchesFlushed.put(
                    r,
                    Counter.builder("ctstream.capture.batches.flushed")
                            .description(
                                    "Per-flow batches handed to the publisher, by why they went when they did")
                            .tag("sensor", sensorId)
                            .tag("reason", r.name())
                            .register(registry));
        }
        for (MaskedCommand c : MaskedCommand.values()) {
            credentialsMasked.put(
                    c,
                    Counter.builder("ctstream.capture.credentials.masked")
                            .description(
                                    "Command lines whose credential arguments were replaced by filler before publishing")
                            .tag("sensor", sensorId)
                            .tag("command", c.name())
                            .register(registry));
        }
        for (RejectReason r : RejectReason.values()) {
            parseErrors.put(
                    r,
                    Counter.builder("ctstream.capture.parse.errors")
                            .description("Frames rejected by the decoder")
                            .tag("sensor", sensorId)
                            .tag("reason", r.name())
                            .register(registry));
        }
    }

    public void captured(int wireBytes) {
        packetsCaptured.increment();
        bytesCaptured.increment(wireBytes);
    }

    public void fragment() {
        fragments.increment();
    }

    @Override
    public void masked(MaskedCommand command) {
        credentialsMasked.get(command).increment();
    }

    public long credentialsMasked(MaskedCommand command) {
        return (long) credentialsMasked.get(command).count();
    }

    public void parseError(RejectReason reason) {
        parseErrors.get(reason).increment();
    }

    @Override
    public void published(int packets, int serializedBytes) {
        packetsPublished.increment(packets);
        recordsPublished.increment();
        bytesPublished.increment(serializedBytes);
    }

    @Override
    public void sendLatency(long nanos) {
        sendLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void dropped(DropReason reason, int packets) {
        dropped.get(reason).increment(packets);
    }

    @Override
    public void flushed(FlushReason reason, int packets) {
        batchesFlushed.get(reason).increment();
    }

    /** Open per-flow batches, summed over the capture threads. */
    public void openBatches(Supplier<Number> open) {
        Gauge.builder("ctstream.capture.batches.open", open)
                .description("Flows with a batch waiting to be published")
                .tag("sensor", sensor)
                .register(registry);
    }

    @Override
    public void producerError(Exception e) {
        producerErrors.increment();
    }

    public void queueDepth(Supplier<Number> depth) {
        Gauge.builder("ctstream.capture.queue.depth", depth)
                .description("Records waiting for the producer")
                .tag("sensor", sensor)
                .register(registry);
    }

    /** libpcap's counters for one interface (pcap_stats), as gauges over the given holders. */
    public void pcapStats(
            String iface, AtomicLong received, AtomicLong droppedByKernel, AtomicLong droppedByIf) {
        Gauge.builder("ctstream.capture.pcap.received", received, AtomicLong::get)
                .tag("sensor", sensor)
                .tag("interface", iface)
                .description("Packets libpcap received")
                .register(registry);
        Gauge.builder("ctstream.capture.pcap.dropped", droppedByKernel, AtomicLong::get)
                .tag("sensor", sensor)
                .tag("interface", iface)
                .description("Packets dropped for lack of buffer space")
                .register(registry);
        Gauge.builder("ctstream.capture.pcap.ifdropped", droppedByIf, AtomicLong::get)
                .tag("sensor", sensor)
                .tag("interface", iface)
                .description("Packets dropped by the interface or driver")
                .register(registry);
    }

    public long packetsCaptured() {
        return (long) packetsCaptured.count();
    }

    public long packetsPublished() {
        return (long) packetsPublished.count();
    }

    public long recordsPublished() {
        return (long) recordsPublished.count();
    }

    public long batchesFlushed(FlushReason reason) {
        return (long) batchesFlushed.get(reason).count();
    }

    public long producerErrors() {
        return (long) producerErrors.count();
    }

    public long droppedCount(DropReason reason) {
        return (long) dropped.get(reason).count();
    }

    public long parseErrors(RejectReason reason) {
        return (long) parseErrors.get(reason).count();
    }
}
