package io.ctstream.streams.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.Alert;
import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.CtState;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.StatusFlag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code analyze} report: what the pipeline concluded about a set of captures, built from its
 * output topics. Connections are the last snapshot of each connection id (a destroyed connection is
 * listed with its final counters and {@code "destroyed": true}); expectations are the lab-oracle
 * shape with the outcome of their last lifecycle event; refused announcements are listed apart
 * under {@code rejected} (the kernel creates nothing for them); alerts as they were raised.
 */
public final class AnalysisReport {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AnalysisReport() {}

    /**
     * @param connectionEvents everything the conn-events topic holds
     * @param current the connection store at the end of the run: its snapshots carry the final
     *     counters (events are only emitted on state changes, so a connection's last event can
     *     predate its last packets)
     */
    public static ObjectNode build(
            List<ConnectionEvent> connectionEvents,
            List<Connection> current,
            List<ExpectationEvent> expectationEvents,
            List<Alert> alerts) {
        ObjectNode report = F.objectNode();
        Map<String, ExpectationEvent> fulfilled = new LinkedHashMap<>();
        for (ExpectationEvent e : expectationEvents) {
            if (e.getType() == ExpectationEventType.FULFILLED && e.getFulfilledBy() != null) {
                fulfilled.putIfAbsent(e.getFulfilledBy().getConnectionId(), e);
            }
        }
        report.set("connections", connections(connectionEvents, current, fulfilled));
        ArrayNode expectations = report.putArray("expectations");
        ArrayNode rejected = report.putArray("rejected");
        Map<String, ExpectationEvent> created = new LinkedHashMap<>();
        Map<String, ExpectationEvent> last = new LinkedHashMap<>();
        List<ExpectationEvent> refused = new ArrayList<>();
        for (ExpectationEvent e : expectationEvents) {
            if (e.getType() == ExpectationEventType.REJECTED) {
                refused.add(e);
                continue;
            }
            if (e.getType() == ExpectationEventType.CREATED) {
                created.putIfAbsent(e.getExpectationId(), e);
            }
            ExpectationEvent prev = last.get(e.getExpectationId());
            // FULFILLED is final: a late duplicate of another terminal event never overrides it.
            if (prev == null || prev.getType() != ExpectationEventType.FULFILLED) {
                last.put(e.getExpectationId(), e);
            }
        }
        // in announcement order, as expectations and alerts: not in the order a reader met them
        // across partitions
        refused.stream()
                .sorted(
                        Comparator.comparingLong(ExpectationEvent::getCreatedMicros)
                                .thenComparing(ExpectationEvent::getExpectationId))
                .forEach(e -> rejected.add(JsonViews.expectation(e, e)));
        created.values().stream()
                .sorted(
                        Comparator.comparingLong(ExpectationEvent::getCreatedMicros)
                                .thenComparing(ExpectationEvent::getExpectationId))
                .forEach(
                        c ->
                                expectations.add(
                                        JsonViews.expectation(c, last.get(c.getExpectationId()))));
        ArrayNode alertsNode = report.putArray("alerts");
        alerts.stream()
                .sorted(
                        Comparator.comparingLong(Alert::getTimestampMicros)
                                .thenComparing(Alert::getAlertId))
                .forEach(a -> alertsNode.add(JsonViews.alert(a)));
        return report;
    }

    static ArrayNode connections(List<ConnectionEvent> events, List<Connection> current) {
        return connections(events, current, Map.of());
    }

    /**
     * @param fulfilled the FULFILLED expectation events by the connection they name: a connection
     *     destroyed before the matcher's decision came back to the tracker (reset, or timed out on
     *     a partition whose stream time ran ahead of the matcher's) has no master in its events;
     *     the decision gives it, as the kernel's entry has it from its first packet
     */
    static ArrayNode connections(
            List<ConnectionEvent> events,
            List<Connection> current,
            Map<String, ExpectationEvent> fulfilled) {
        Map<String, ConnectionEvent> lastById = new LinkedHashMap<>();
        for (ConnectionEvent e : events) {
            lastById.put(e.getConnection().getId(), e);
        }
        for (Connection c : current) {
            ConnectionEvent last = lastById.get(c.getId());
            if (last == null || last.getType() != ConnectionEventType.DESTROY) {
                lastById.put(
                        c.getId(),
                        new ConnectionEvent(
                                ConnectionEventType.UPDATE, c.getLastSeenMicros(), "current", c));
            }
        }
        List<ConnectionEvent> sorted = new ArrayList<>(lastById.values());
        sorted.sort(
                Comparator.comparingLong(
                                (ConnectionEvent e) -> e.getConnection().getFirstSeenMicros())
                        .thenComparing(e -> e.getConnection().getId()));
        ArrayNode out = F.arrayNode();
        for (ConnectionEvent e : sorted) {
            Connection c = withMaster(e.getConnection(), fulfilled.get(e.getConnection().getId()));
            ObjectNode n = JsonViews.connection(c);
            n.put("destroyed", e.getType() == ConnectionEventType.DESTROY);
            out.add(n);
        }
        return out;
    }

    /**
     * {@code c} as the tracker makes a connection RELATED when the matcher's FULFILLED reaches it
     * in time.
     */
    static Connection withMaster(Connection c, ExpectationEvent fulfilled) {
        if (fulfilled == null || c.getMaster() != null) {
            return c;
        }
        Connection r = Connection.newBuilder(c).build();
        r.setMaster(fulfilled.getMaster());
        r.setExpectationId(fulfilled.getExpectationId());
        List<StatusFlag> status = new ArrayList<>(c.getStatus());
        if (!status.contains(StatusFlag.EXPECTED)) {
            status.add(StatusFlag.EXPECTED);
        }
        r.setStatus(status);
        if (r.getCtState() == CtState.NEW) {
            r.setCtState(CtState.RELATED);
        }
        return r;
    }
}
