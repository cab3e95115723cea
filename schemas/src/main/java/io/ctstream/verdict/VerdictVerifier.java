package io.ctstream.verdict;

import io.ctstream.avro.Verdict;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Optional;

/** Checks a verdict's signature against the keys of its gateway (used by the enforcement agent). */
public final class VerdictVerifier {

    /** What a signature check found. */
    public enum Result {
        /** Signed by a listed key of the verdict's gateway, and unchanged since. */
        VALID,
        /** No key id or no signature. */
        UNSIGNED,
        /**
         * The key id is not listed for the verdict's gateway (never listed, or removed after
         * rotation).
         */
        UNKNOWN_KEY,
        /** The signature does not match: changed, forged, or signed with another secret. */
        BAD_SIGNATURE
    }

    private final VerdictKeyring keyring;

    public VerdictVerifier(VerdictKeyring keyring) {
        this.keyring = keyring;
    }

    /**
     * The scope of the key that signed {@code verdict} (its {@code keyId}); empty for a policy key.
     */
    public Optional<KeyScope> scopeOf(Verdict verdict) {
        return verdict.getKeyId() == null
                ? Optional.empty()
                : keyring.scope(verdict.getGatewayId(), verdict.getKeyId());
    }

    public Result verify(Verdict verdict) {
        ByteBuffer sig = verdict.getSignature();
        if (verdict.getKeyId() == null
                || verdict.getKeyId().isEmpty()
                || sig == null
                || !sig.hasRemaining()) {
            return Result.UNSIGNED;
        }
        Optional<VerdictKey> key = keyring.key(verdict.getGatewayId(), verdict.getKeyId());
        if (key.isEmpty()) {
            return Result.UNKNOWN_KEY;
        }
        byte[] expected;
        try {
            expected = Hmac.sha256(key.get(), VerdictCanonicalEncoding.encode(verdict));
        } catch (IllegalArgumentException e) {
            return Result.BAD_SIGNATURE; // a required field missing: it cannot be what was signed
        }
        ByteBuffer d = sig.duplicate();
        byte[] given = new byte[d.remaining()];
        d.get(given);
        // constant time: an attacker learns nothing from how long the comparison took
        return MessageDigest.isEqual(expected, given) ? Result.VALID : Result.BAD_SIGNATURE;
    }
}
