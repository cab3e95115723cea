package io.ctstream.schemas;

import java.util.regex.Pattern;

/**
 * Default names of the topics that connect ctstream's components. Every component takes a prefix
 * (tests use a unique one per test), so these are suffixes joined to it.
 */
public final class Topics {
    /** PacketRecord values keyed by FlowKey: capture-agent to streams-app. */
    public static final String PACKETS = "packets";

    /** ConnectionEvent values keyed by FlowKey: NEW / UPDATE / DESTROY, like conntrack -E. */
    public static final String CONN_EVENTS = "conn-events";

    /** ExpectationEvent values: helper expectation lifecycle. */
    public static final String EXPECTATIONS = "expectations";

    /** Alert values. */
    public static final String ALERTS = "alerts";

    /** Verdict values keyed by gateway id. */
    public static final String VERDICTS = "verdicts";

    /**
     * Verdict values keyed by gateway id, written outside any transaction as soon as the tracker
     * signs an ALLOW: a short-lived copy the agents may apply before the transaction that writes
     * the real one commits (streams-app README: the tentative pinhole).
     */
    public static final String VERDICTS_TENTATIVE = "verdicts-tentative";

    /** EnforcementReport values keyed by gateway id. */
    public static final String REPORTS = "enforcement-reports";

    /**
     * OperatorAudit values keyed by gateway id: every verdict an operator published ('ctstream
     * verdict').
     */
    public static final String OPERATOR_AUDIT = "operator-audit";

    /** Records a component could not deserialize or process, with the reason in headers. */
    public static final String DEAD_LETTER = "dead-letter";

    /**
     * What a sensor id must look like to name its own packets topic: a topic name's characters, not
     * starting with '.'.
     */
    public static final Pattern SENSOR_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");

    private Topics() {}

    /**
     * {@code <prefix>packets.<sensor>}: the packets topic of one sensor, which only that sensor's
     * principal may write (SECURITY.md, issue 18); streams-app with sensor topics attributes its
     * records to {@code sensor}.
     */
    public static String sensorPackets(String prefix, String sensor) {
        if (sensor == null || !SENSOR_ID.matcher(sensor).matches()) {
            throw new IllegalArgumentException(
                    "sensor id '"
                            + sensor
                            + "' cannot name a topic: use at most 200 letters, "
                            + "digits, '.', '_' and '-' (not '.' first)");
        }
        return name(prefix, PACKETS) + "." + sensor;
    }

    /** {@code prefix + name}, or {@code name} alone for an empty prefix. */
    public static String name(String prefix, String name) {
        return prefix == null || prefix.isEmpty() ? name : prefix + name;
    }
}
