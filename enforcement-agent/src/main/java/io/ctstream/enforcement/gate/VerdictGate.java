package io.ctstream.enforcement.gate;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.enforcement.nft.NftElement;
import io.ctstream.enforcement.nft.VerdictElements;
import io.ctstream.verdict.VerdictVerifier;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Decides whether this gateway's agent may apply a verdict, in this order: it must name this
 * gateway, be signed by one of the gateway's keys, not have expired, not have been seen before, be
 * within the scope of the key that signed it ({@link io.ctstream.verdict.KeyScope}: an operator's
 * key), and be no broader than {@link GateLimits} allow. A REVOKE only narrows what is open, so it
 * is not held to the breadth limits (but must be well formed).
 */
public final class VerdictGate {
    private final String gatewayId;
    private final VerdictVerifier verifier;
    private final GateLimits limits;
    private final ReplayMemory replays;
    private final LongSupplier nowMicros;

    public VerdictGate(
            String gatewayId,
            VerdictVerifier verifier,
            GateLimits limits,
            ReplayMemory replays,
            LongSupplier nowMicros) {
        this.gatewayId = gatewayId;
        this.verifier = verifier;
        this.limits = limits;
        this.replays = replays;
        this.nowMicros = nowMicros;
    }

    public GateLimits limits() {
        return limits;
    }

    /** Checks {@code v}; when it passes the replay check its id is remembered. */
    public GateDecision check(Verdict v) {
        GateDecision authentic = checkAuthentic(v);
        if (!authentic.accepted()) {
            return authentic;
        }
        long now = nowMicros.getAsLong();
        long skew = limits.clockSkew().toNanos() / 1000;
        if (now > v.getExpiresAtMicros() + skew) {
            return GateDecision.refuse(
                    Refusal.EXPIRED,
                    "expired " + (now - v.getExpiresAtMicros()) / 1000 + " ms ago");
        }
        if (replays.seen(v.getVerdictId())) {
            return GateDecision.refuse(Refusal.REPLAYED, null);
        }
        replays.remember(v.getVerdictId(), v.getExpiresAtMicros() + skew, now);
        return checkShape(v);
    }

    /** The checks that do not depend on time or history: gateway and signature. */
    public GateDecision checkAuthentic(Verdict v) {
        if (!gatewayId.equals(v.getGatewayId())) {
            return GateDecision.refuse(Refusal.WRONG_GATEWAY, "for " + v.getGatewayId());
        }
        return switch (verifier.verify(v)) {
            case VALID -> GateDecision.accept(List.of());
            case UNSIGNED -> GateDecision.refuse(Refusal.UNSIGNED, null);
            case UNKNOWN_KEY -> GateDecision.refuse(Refusal.UNKNOWN_KEY, "key id " + v.getKeyId());
            case BAD_SIGNATURE ->
                    GateDecision.refuse(Refusal.BAD_SIGNATURE, "key id " + v.getKeyId());
        };
    }

    /**
     * The signing key's scope, then breadth limits and well-formedness; on success the elements the
     * verdict changes. The reconciler runs this too, so a verdict beyond its key's scope is never
     * restored either.
     */
    public GateDecision checkShape(Verdict v) {
        VerdictMatch m = v.getMatch();
        VerdictAction action = v.getAction();
        Optional<String> beyond = verifier.scopeOf(v).flatMap(scope -> scope.violation(v));
        if (beyond.isPresent()) {
            return GateDecision.refuse(
                    Refusal.OUT_OF_SCOPE, "key " + v.getKeyId() + ": " + beyond.get());
        }
        if (action != VerdictAction.REVOKE) {
            if (v.getTtlSeconds() <= 0) {
                return GateDecision.refuse(Refusal.MALFORMED, "ttl " + v.getTtlSeconds() + " s");
            }
            boolean allow =
                    action
                            == VerdictAction
                                    .ALLOW; // a pinhole has limits of its own, narrow by default
            int maxTtl = allow ? limits.maxAllowTtlSeconds() : limits.maxTtlSeconds();
            if (v.getTtlSeconds() > maxTtl) {
                return GateDecision.refuse(
                        Refusal.OVERBROAD_TTL, "ttl " + v.getTtlSeconds() + " s > " + maxTtl);
            }
            if (!limits.protocols().contains(m.getProtocol())) {
                return GateDecision.refuse(
                        Refusal.OVERBROAD_PROTOCOL, "protocol " + m.getProtocol());
            }
            if (m.getSrc() == null
                    && (action == VerdictAction.BLOCK || !limits.allowWildcardSource())) {
                return GateDecision.refuse(Refusal.OVERBROAD_WILDCARD_SOURCE, null);
            }
            if (m.getSrc() != null && m.getSrcPrefixLength() != -1) {
                int min =
                        m.getIpVersion() == 6
                                ? (allow ? limits.minAllowSrcPrefixV6() : limits.minSrcPrefixV6())
                                : (allow ? limits.minAllowSrcPrefixV4() : limits.minSrcPrefixV4());
                if (m.getSrcPrefixLength() < min) {
                    return GateDecision.refuse(
                            Refusal.OVERBROAD_SOURCE_PREFIX,
                            "/" + m.getSrcPrefixLength() + " < /" + min);
                }
            }
        }
        if (action == VerdictAction.ALLOW) {
            if (m.getDst() == null) {
                return GateDecision.refuse(Refusal.OVERBROAD_NO_DESTINATION, null);
            }
            if (m.getDstPort() == 0) {
                return GateDecision.refuse(Refusal.OVERBROAD_PORT, "port 0");
            }
        }
        List<NftElement> elements;
        try {
            elements = VerdictElements.of(action, m);
        } catch (IllegalArgumentException e) {
            return GateDecision.refuse(Refusal.MALFORMED, e.getMessage());
        }
        return GateDecision.accept(elements);
    }
}
