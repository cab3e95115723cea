package io.ctstream.streams.tracking;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.PacketRecord;
import io.ctstream.streams.sensors.SensorTopics;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What the tracker reads, typed: the packets of one flow (a packets record: its first packet and
 * the batch {@code following} it) or the matcher's feedback about a connection of the flow. Both
 * arrive keyed by flow on the same task; the source deserializers wrap each value, so the processor
 * switches over a sealed type, not over {@code Object}.
 */
public sealed interface TrackerInput {

    /** A packets record: {@code first} and its {@code following} packets, in capture order. */
    record Packets(PacketRecord first) implements TrackerInput {}

    /**
     * A FULFILLED, EVICTED, EXPIRED… event from the matcher, for the new connection or for the
     * master.
     */
    record Feedback(ExpectationEvent event) implements TrackerInput {}

    static Deserializer<TrackerInput> packets(Deserializer<PacketRecord> inner) {
        return (topic, bytes) -> {
            PacketRecord p = inner.deserialize(topic, bytes);
            return p == null ? null : new Packets(p);
        };
    }

    /**
     * Packets from the sensor topics: a record is attributed to its topic's sensor, and one that
     * claims another sensor is refused (dead-lettered by the deserialization handler) before the
     * tracker sees it.
     */
    static Deserializer<TrackerInput> sensorPackets(
            Deserializer<PacketRecord> inner, SensorTopics sensors) {
        return (topic, bytes) -> {
            PacketRecord p = inner.deserialize(topic, bytes);
            return p == null ? null : new Packets(sensors.attribute(topic, p));
        };
    }

    static Deserializer<TrackerInput> feedback(Deserializer<ExpectationEvent> inner) {
        return (topic, bytes) -> {
            ExpectationEvent e = inner.deserialize(topic, bytes);
            return e == null ? null : new Feedback(e);
        };
    }
}
