package io.ctstream.enforcement.gate;

/**
 * Why the gate refused a verdict. {@link #reason()} is stable: it goes into reports and metric
 * tags.
 */
public enum Refusal {
    /** No key id or no signature. */
    UNSIGNED("unsigned"),
    /** The key id is not one of this gateway's keys (never was, or removed by a rotation). */
    UNKNOWN_KEY("unknown-key"),
    /** The signature does not match the verdict: forged or changed. */
    BAD_SIGNATURE("bad-signature"),
    /** The verdict names another gateway. */
    WRONG_GATEWAY("wrong-gateway"),
    /** Its expiresAtMicros has passed (beyond the allowed clock skew). */
    EXPIRED("expired"),
    /** Its verdictId was seen before. */
    REPLAYED("replayed"),
    /**
     * Signed by a scoped (operator) key beyond its scope: an action, TTL or breadth it may not
     * sign.
     */
    OUT_OF_SCOPE("out-of-scope"),
    /** ALLOW without a destination address. */
    OVERBROAD_NO_DESTINATION("overbroad-no-destination"),
    /** ALLOW of port 0 (every port). */
    OVERBROAD_PORT("overbroad-port"),
    /** A wildcard source where this agent does not permit one. */
    OVERBROAD_WILDCARD_SOURCE("overbroad-wildcard-source"),
    /** A source prefix shorter than this agent's minimum. */
    OVERBROAD_SOURCE_PREFIX("overbroad-source-prefix"),
    /** A TTL over this agent's maximum. */
    OVERBROAD_TTL("overbroad-ttl"),
    /** A protocol without ports, or not in this agent's list. */
    OVERBROAD_PROTOCOL("overbroad-protocol"),
    /** A match that denotes no rule: bad address length, IP version, port or TTL. */
    MALFORMED("malformed"),
    /**
     * A BLOCK or REVOKE on the tentative topic, which carries only the tentative copies of ALLOWs.
     */
    TENTATIVE_NOT_ALLOW("tentative-not-allow"),
    /** The record could not be deserialized at all. */
    UNDECODABLE("undecodable");

    private final String reason;

    Refusal(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
