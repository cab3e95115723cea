package io.ctstream.streams.policy;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.schemas.IpProtocol;
import io.ctstream.streams.matching.ExpectationMatchProcessor;
import io.ctstream.verdict.VerdictSigner;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns expectation lifecycle events and alerts into signed verdicts, as the policy says. Pure (no
 * Kafka types) and deterministic apart from the expiry, which is the injected wall clock plus the
 * policy's validity:
 *
 * <ul>
 *   <li>CREATED → one ALLOW per gateway that sees the expectation and allows its helper. The match
 *       is the expected tuple exactly (IP version, protocol, source — null only where the
 *       expectation wildcards it, and then only on gateways whose policy allows {@code
 *       wildcardSource} —, destination, destination port); a missing destination or port 0 is never
 *       turned into a verdict.
 *   <li>FULFILLED / EVICTED / EXPIRED / MASTER_DESTROYED, when listed in {@code revokeOn} (all are
 *       by default) → a REVOKE of the same match on the same gateways: like the kernel's
 *       expectation, a pinhole serves one connection, which the gateway's conntrack then keeps as
 *       established.
 *   <li>REJECTED by the matcher because its table is full ({@link
 *       ExpectationMatchProcessor#REJECTED_TABLE_FULL}) → a REVOKE, whatever {@code revokeOn} says:
 *       the tracker opened the pinhole when it created the expectation ({@link PinholeVerdicts}),
 *       and an expectation the matcher never held must not leave one.
 *   <li>other REJECTED → nothing (an announcement the tracker refused never got a pinhole).
 *   <li>An alert whose type has a response → a BLOCK of its source (every destination and port) on
 *       every gateway that sees it.
 * </ul>
 *
 * Verdict ids are {@code <expectation or alert id>/<action>/<gateway>}: a replay of the same input
 * gives the same ids, which the enforcement agent refuses as replays.
 */
public final class PolicyEvaluator {

    /**
     * Why an event gave no verdict (for counting); {@link #NONE} when verdicts were produced or
     * none were due.
     */
    public enum Skip {
        NONE,
        NO_GATEWAY,
        NOT_REVOKED_BY_POLICY,
        NO_ALERT_RESPONSE,
        ALERT_WITHOUT_SOURCE,
        WILDCARD_DESTINATION,
        /**
         * An expectation without a source address, on gateways whose policy does not say {@code
         * wildcardSource: true}.
         */
        WILDCARD_SOURCE,
        PORT_ZERO,
        /**
         * An expectation seen by a sensor that the gateway's {@code pinholeSensors} does not list.
         */
        SENSOR_NOT_ALLOWED,
        BAD_ADDRESS,
        ALREADY_EXPIRED;

        /** Metric tag form, e.g. {@code no-gateway}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The verdicts for one event (signed), or why there are none. */
    public record Evaluation(List<Verdict> verdicts, Skip skip) {
        public Evaluation {
            verdicts = List.copyOf(verdicts);
        }

        static Evaluation skipped(Skip why) {
            return new Evaluation(List.of(), why);
        }
    }

    /**
     * Protocols with ports (TCP, UDP, DCCP, SCTP): the only ones the enforcement agent accepts in a
     * verdict.
     */
    private static final Set<Integer> PORT_PROTOCOLS =
            Set.of(IpProtocol.TCP, IpProtocol.UDP, IpProtocol.DCCP, IpProtocol.SCTP);

    private final VerdictPolicy policy;
    private final VerdictSigner signer;

    public PolicyEvaluator(VerdictPolicy policy) {
        this.policy = policy;
        this.signer = new VerdictSigner(policy.keyring());
    }

    public Evaluation onExpectation(ExpectationEvent e) {
        ExpectationEventType type = e.getType();
        VerdictAction action;
        if (type == ExpectationEventType.CREATED) {
            action = VerdictAction.ALLOW;
        } else if (type == ExpectationEventType.REJECTED
                && ExpectationMatchProcessor.REJECTED_TABLE_FULL.equals(e.getReason())) {
            action = VerdictAction.REVOKE;
        } else if (PolicyConfig.REVOCABLE.contains(type)) {
            if (!policy.config().revokeOn().contains(type)) {
                return Evaluation.skipped(Skip.NOT_REVOKED_BY_POLICY);
            }
            action = VerdictAction.REVOKE;
        } else {
            return Evaluation.skipped(
                    Skip.NONE); // REJECTED by the tracker: nothing to open or close
        }
        ExpectedTuple x = e.getExpected();
        if (x.getDst() == null) {
            return Evaluation.skipped(Skip.WILDCARD_DESTINATION);
        }
        if (x.getDstPort() <= 0 || x.getDstPort() > 65535) {
            return Evaluation.skipped(Skip.PORT_ZERO);
        }
        int len = x.getIpVersion() == 4 ? 4 : x.getIpVersion() == 6 ? 16 : -1;
        if (x.getDst().remaining() != len
                || (x.getSrc() != null && x.getSrc().remaining() != len)) {
            return Evaluation.skipped(Skip.BAD_ADDRESS);
        }
        VerdictMatch match =
                VerdictMatch.newBuilder()
                        .setIpVersion(x.getIpVersion())
                        .setProtocol(x.getProtocol())
                        .setSrc(copy(x.getSrc()))
                        .setSrcPrefixLength(-1)
                        .setDst(copy(x.getDst()))
                        .setDstPort(x.getDstPort())
                        .build();
        int remaining =
                (int)
                        Math.min(
                                PolicyConfig.MAX_TTL_SECONDS,
                                ceilDiv(
                                        e.getExpiresAtMicros() - e.getTimestampMicros(),
                                        1_000_000L));
        if (action == VerdictAction.ALLOW && remaining <= 0) {
            return Evaluation.skipped(Skip.ALREADY_EXPIRED);
        }
        String masterId = e.getMaster() == null ? null : e.getMaster().getConnectionId();
        List<Verdict> out = new ArrayList<>();
        boolean wildcardRefused = false;
        boolean sensorRefused = false;
        for (GatewayPolicy g : policy.config().gateways()) {
            if (!g.allowsHelper(e.getHelper())
                    || !g.sees(
                            e.getSensorId(),
                            x.getSrc(),
                            x.getDst(),
                            e.getMaster() == null ? null : e.getMaster().getOrig().getSrc(),
                            e.getMaster() == null ? null : e.getMaster().getOrig().getDst())) {
                continue;
            }
            if (!g.acceptsPinholesFrom(e.getSensorId())) {
                sensorRefused = true; // a sensor this gateway does not take pinholes from
                continue;
            }
            if (x.getSrc() == null && !g.wildcardSource()) {
                wildcardRefused =
                        true; // from any source is wider than this gateway's policy allows
                continue;
            }
            int ttl = action == VerdictAction.REVOKE ? 0 : g.pinholeTtlSeconds().orElse(remaining);
            String reason =
                    action == VerdictAction.ALLOW
                            ? e.getHelper() + " expectation"
                            : e.getHelper()
                                    + " expectation "
                                    + type.name().toLowerCase(Locale.ROOT)
                                    + (e.getReason() == null ? "" : " (" + e.getReason() + ")");
            out.add(
                    sign(
                            Verdict.newBuilder()
                                    .setVerdictId(
                                            e.getExpectationId()
                                                    + "/"
                                                    + action.name().toLowerCase(Locale.ROOT)
                                                    + "/"
                                                    + g.id())
                                    .setGatewayId(g.id())
                                    .setAction(action)
                                    .setMatch(VerdictMatch.newBuilder(match).build())
                                    .setTtlSeconds(ttl)
                                    .setReason(reason)
                                    .setEvidence(
                                            VerdictEvidence.newBuilder()
                                                    .setMasterConnectionId(masterId)
                                                    .setExpectationId(e.getExpectationId())
                                                    .setAlertIds(List.of())
                                                    .build())
                                    .setIssuedAtMicros(e.getTimestampMicros())
                                    .setExpiresAtMicros(0L)
                                    .build()));
        }
        if (out.isEmpty()) {
            return Evaluation.skipped(
                    wildcardRefused
                            ? Skip.WILDCARD_SOURCE
                            : sensorRefused ? Skip.SENSOR_NOT_ALLOWED : Skip.NO_GATEWAY);
        }
        return new Evaluation(out, Skip.NONE);
    }

    public Evaluation onAlert(Alert a) {
        PolicyConfig.AlertResponse response = policy.config().alertResponses().get(a.getType());
        if (response == null) {
            return Evaluation.skipped(Skip.NO_ALERT_RESPONSE);
        }
        if (a.getSource() == null) {
            return Evaluation.skipped(Skip.ALERT_WITHOUT_SOURCE);
        }
        int len = a.getSource().remaining();
        if (len != 4 && len != 16) {
            return Evaluation.skipped(Skip.BAD_ADDRESS);
        }
        // The block covers every protocol (the agent's blockN_src set); the field only has to name
        // one with ports.
        int protocol =
                a.getMaster() != null
                                && PORT_PROTOCOLS.contains(a.getMaster().getOrig().getProtocol())
                        ? a.getMaster().getOrig().getProtocol()
                        : 6;
        VerdictMatch match =
                VerdictMatch.newBuilder()
                        .setIpVersion(len == 4 ? 4 : 6)
                        .setProtocol(protocol)
                        .setSrc(copy(a.getSource()))
                        .setSrcPrefixLength(-1)
                        .setDst(null) // every destination
                        .setDstPort(0) // every port
                        .build();
        String masterId = a.getMaster() == null ? null : a.getMaster().getConnectionId();
        List<Verdict> out = new ArrayList<>();
        for (GatewayPolicy g : policy.config().gateways()) {
            if (!g.sees(
                    a.getSensorId(),
                    a.getSource(),
                    a.getMaster() == null ? null : a.getMaster().getOrig().getSrc(),
                    a.getMaster() == null ? null : a.getMaster().getOrig().getDst())) {
                continue;
            }
            out.add(
                    sign(
                            Verdict.newBuilder()
                                    .setVerdictId(a.getAlertId() + "/block/" + g.id())
                                    .setGatewayId(g.id())
                                    .setAction(VerdictAction.BLOCK)
                                    .setMatch(VerdictMatch.newBuilder(match).build())
                                    .setTtlSeconds(response.blockSeconds())
                                    .setReason(a.getType())
                                    .setEvidence(
                                            VerdictEvidence.newBuilder()
                                                    .setMasterConnectionId(masterId)
                                                    .setExpectationId(null)
                                                    .setAlertIds(List.of(a.getAlertId()))
                                                    .build())
                                    .setIssuedAtMicros(a.getTimestampMicros())
                                    .setExpiresAtMicros(0L)
                                    .build()));
        }
        return out.isEmpty() ? Evaluation.skipped(Skip.NO_GATEWAY) : new Evaluation(out, Skip.NONE);
    }

    /** Sets the expiry (wall clock now + validity) and signs with the gateway's key. */
    private Verdict sign(Verdict v) {
        Instant now = policy.clock().instant();
        long nowMicros =
                Math.addExact(
                        Math.multiplyExact(now.getEpochSecond(), 1_000_000L),
                        now.getNano() / 1000L);
        v.setExpiresAtMicros(nowMicros + policy.config().verdictValidity().toNanos() / 1000L);
        return signer.sign(v);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer d = b.duplicate();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return ByteBuffer.wrap(bytes);
    }
}
