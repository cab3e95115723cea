package io.ctstream.launcher.verdict;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.enforcement.gate.GateDecision;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.enforcement.gate.ReplayMemory;
import io.ctstream.enforcement.gate.VerdictGate;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.verdict.KeyScope;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictSigner;
import io.ctstream.verdict.VerdictVerifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Turns an operator's command into signed verdicts, one per gateway, and refuses, before anything
 * is published, whatever the gateway's agent would refuse: an unknown gateway, a key that is not
 * listed or has no scope (a policy key), a verdict beyond the key's scope, and whatever the agent's
 * own gate refuses (the same {@link VerdictGate} code, with the agent's limits). Pure: no Kafka, so
 * every refusal is unit-testable.
 *
 * <p>The verdict id is a hash of everything the operator typed (gateway, action, match, TTL,
 * reason, key, user, {@code --request-id}), never of the time: the same command retried gives the
 * same id, which the agents apply once and the publisher does not publish twice.
 */
public final class OperatorVerdicts {

    /** What the operator asked for. */
    public record Request(
            List<String> gateways,
            VerdictAction action,
            VerdictMatch match,
            int ttlSeconds,
            String reason,
            String keyId,
            String user,
            String requestId) {}

    private final VerdictKeyring keyring;
    private final GateLimits gateLimits;

    public OperatorVerdicts(VerdictKeyring keyring, GateLimits gateLimits) {
        this.keyring = keyring;
        this.gateLimits = gateLimits;
    }

    /**
     * Signed verdicts for every gateway of {@code r}, valid from {@code nowMicros} for {@code
     * validForMicros}.
     */
    public List<Verdict> build(Request r, long nowMicros, long validForMicros) {
        if (r.reason() == null || r.reason().isBlank()) {
            throw UserException.usage(
                    "--reason is required: the audit trail and 'verdict list' show it");
        }
        if (r.gateways().isEmpty()) {
            throw UserException.usage("give at least one --gateway");
        }
        List<Verdict> out = new ArrayList<>();
        for (String gw : r.gateways()) {
            if (!keyring.hasGateway(gw)) {
                throw UserException.usage(
                        "--gateway "
                                + gw
                                + ": unknown gateway (the key file has keys for "
                                + keyring.gateways()
                                + ")");
            }
            String keyId = r.keyId();
            if (keyring.key(gw, keyId).isEmpty()) {
                throw UserException.usage(
                        "--key-id "
                                + keyId
                                + ": no such key for gateway "
                                + gw
                                + " in the key file");
            }
            Optional<KeyScope> scope = keyring.scope(gw, keyId);
            if (scope.isEmpty()) {
                throw UserException.usage(
                        "--key-id "
                                + keyId
                                + ": key "
                                + gw
                                + "/"
                                + keyId
                                + " has no scope line "
                                + "(scope."
                                + gw
                                + "."
                                + keyId
                                + " = ...): it is a policy key; operators sign with a scoped key");
            }
            Verdict unsigned =
                    Verdict.newBuilder()
                            .setVerdictId(verdictId(gw, r))
                            .setGatewayId(gw)
                            .setAction(r.action())
                            .setMatch(VerdictMatch.newBuilder(r.match()).build())
                            .setTtlSeconds(r.action() == VerdictAction.REVOKE ? 0 : r.ttlSeconds())
                            .setReason("operator " + r.user() + ": " + r.reason())
                            .setEvidence(
                                    VerdictEvidence.newBuilder().setAlertIds(List.of()).build())
                            .setIssuedAtMicros(nowMicros)
                            .setExpiresAtMicros(nowMicros + validForMicros)
                            .build();
            Optional<String> beyond = scope.get().violation(unsigned);
            if (beyond.isPresent()) {
                throw UserException.usage(
                        "key "
                                + gw
                                + "/"
                                + keyId
                                + " may not sign this (scope: "
                                + scope.get()
                                + "): "
                                + beyond.get());
            }
            Verdict signed = new VerdictSigner(keyring).sign(unsigned, keyId);
            // the agent's own gate, with its limits: what it would refuse is refused here, before
            // publishing
            VerdictGate gate =
                    new VerdictGate(
                            gw,
                            new VerdictVerifier(keyring),
                            gateLimits,
                            new ReplayMemory(1),
                            () -> nowMicros);
            GateDecision d = gate.check(signed);
            if (!d.accepted()) {
                throw UserException.usage(
                        "gateway " + gw + " would refuse this verdict: " + d.reportReason());
            }
            out.add(signed);
        }
        return out;
    }

    /**
     * "op-" and 32 hex digits of SHA-256 over the request's fields for {@code gw}: no time, so
     * retries agree.
     */
    static String verdictId(String gw, Request r) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part :
                    new String[] {
                        gw,
                        r.action().name(),
                        Integer.toString(r.ttlSeconds()),
                        r.reason(),
                        r.keyId(),
                        r.user(),
                        r.requestId() == null ? "" : r.requestId()
                    }) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                sha.update(
                        new byte[] {
                            (byte) (b.length >>> 24),
                            (byte) (b.length >>> 16),
                            (byte) (b.length >>> 8),
                            (byte) b.length
                        });
                sha.update(b);
            }
            VerdictMatch m = r.match();
            sha.update(
                    ByteBuffer.allocate(16)
                            .putInt(m.getIpVersion())
                            .putInt(m.getProtocol())
                            .putInt(m.getSrcPrefixLength())
                            .putInt(m.getDstPort())
                            .array());
            for (ByteBuffer a : new ByteBuffer[] {m.getSrc(), m.getDst()}) {
                sha.update((byte) (a == null ? 0 : a.remaining()));
                if (a != null) {
                    sha.update(a.duplicate());
                }
            }
            return "op-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
