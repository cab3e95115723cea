package io.ctstream.streams.tracking;

import io.ctstream.avro.Alert;
import io.ctstream.avro.PacketRecord;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.limits.LimitsConfig;
import io.ctstream.streams.limits.OverflowAlerts;
import java.util.Optional;

/**
 * The table cap of one tracker task ({@code nf_conntrack_max} per task): whether a new connection
 * gets a slot. Like the kernel's early_drop, a full table first drops the soonest-timing-out
 * connection that is not ASSURED among the first {@code earlyDropScan}; if every one of them is
 * ASSURED the new connection is not tracked ("table full, dropping packet"). Either way a
 * rate-limited {@code connection-limit} alert says so.
 */
final class ConnectionAdmission {
    private final ConnectionTable table;
    private final LimitsConfig limits;
    private final OverflowAlerts overflows;
    private final TrackerMeters meters;
    private final String taskSubject;

    ConnectionAdmission(
            ConnectionTable table,
            LimitsConfig limits,
            OverflowAlerts overflows,
            TrackerMeters meters,
            String taskSubject) {
        this.table = table;
        this.limits = limits;
        this.overflows = overflows;
        this.meters = meters;
        this.taskSubject = taskSubject;
    }

    /**
     * @param admitted whether the new connection is tracked
     * @param dropped the connection early-dropped to make room (already out of the table), or null
     * @param alert the overflow alert to publish, when not suppressed by the rate limit
     */
    record Decision(boolean admitted, ConnectionTable.Expired dropped, Optional<Alert> alert) {
        static final Decision ADMITTED = new Decision(true, null, Optional.empty());
    }

    /** Decides for a new connection opened by {@code p}. */
    Decision admit(PacketRecord p) {
        if (table.size() < limits.maxConnections()) {
            return Decision.ADMITTED;
        }
        ConnectionTable.Expired dropped = table.earlyDrop(limits.earlyDropScan());
        String message =
                dropped != null
                        ? "connection table full ("
                                + limits.maxConnections()
                                + " per task): an unassured connection was dropped"
                        : "connection table full ("
                                + limits.maxConnections()
                                + " per task), no unassured connection to drop: "
                                + "new connection not tracked";
        meters.count(
                "ctstream.tracker.table.full",
                "result",
                dropped != null ? "early-drop" : "refused");
        Optional<Alert> alert =
                overflows.overflow(
                        "conntrack-max",
                        AlertTypes.CONNECTION_LIMIT,
                        taskSubject,
                        1,
                        p.getTimestampMicros(),
                        Alert.newBuilder().setSource(p.getSrc()).setSensorId(p.getSensorId()),
                        message);
        return new Decision(dropped != null, dropped, alert);
    }
}
