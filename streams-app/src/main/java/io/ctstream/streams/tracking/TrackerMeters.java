package io.ctstream.streams.tracking;

import io.ctstream.avro.ConnectionEventType;
import io.ctstream.streams.conntrack.PacketState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The tracker's counters. The per-packet and per-event ones are resolved once per task, not looked
 * up by name and tags for every packet (a registry lookup hashes the name and every tag); the rare
 * ones go to the registry.
 */
final class TrackerMeters {
    private final MeterRegistry registry;
    private final Counter[][] packets = new Counter[PacketState.values().length][2];
    private final Map<ConnectionEventType, Counter> events =
            new EnumMap<>(ConnectionEventType.class);

    TrackerMeters(MeterRegistry registry) {
        this.registry = registry;
        for (PacketState s : PacketState.values()) {
            for (int dup = 0; dup < 2; dup++) {
                packets[s.ordinal()][dup] =
                        registry.counter(
                                "ctstream.tracker.packets",
                                "state",
                                s.name().toLowerCase(Locale.ROOT),
                                "duplicate",
                                Boolean.toString(dup == 1));
            }
        }
        for (ConnectionEventType t : ConnectionEventType.values()) {
            events.put(
                    t,
                    registry.counter(
                            "ctstream.conn.events", "type", t.name().toLowerCase(Locale.ROOT)));
        }
    }

    void packet(PacketState state, boolean duplicate) {
        packets[state.ordinal()][duplicate ? 1 : 0].increment();
    }

    void event(ConnectionEventType type) {
        events.get(type).increment();
    }

    /** A counter of the rare paths (helpers, feedback, caps, rejections). */
    void count(String name, String... tags) {
        registry.counter(name, tags).increment();
    }
}
