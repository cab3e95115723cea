package io.ctstream.verdict;

import io.ctstream.avro.Verdict;
import java.nio.ByteBuffer;

/** Signs verdicts with the active key of their gateway (used by streams-app). */
public final class VerdictSigner {
    private final VerdictKeyring keyring;

    public VerdictSigner(VerdictKeyring keyring) {
        this.keyring = keyring;
    }

    /**
     * A copy of {@code verdict} with {@code keyId} set to its gateway's active key and {@code
     * signature} set to the HMAC-SHA256 of its canonical encoding (which covers the key id).
     */
    public Verdict sign(Verdict verdict) {
        return sign(verdict, keyring.signingKey(verdict.getGatewayId()));
    }

    /**
     * Signs with key {@code keyId} of the verdict's gateway (an operator's key); a clear error when
     * it is not listed.
     */
    public Verdict sign(Verdict verdict, String keyId) {
        return sign(
                verdict,
                keyring.key(verdict.getGatewayId(), keyId)
                        .orElseThrow(
                                () ->
                                        new KeyringException(
                                                "no key "
                                                        + keyId
                                                        + " for gateway "
                                                        + verdict.getGatewayId())));
    }

    private static Verdict sign(Verdict verdict, VerdictKey key) {
        Verdict copy = Verdict.newBuilder(verdict).setKeyId(key.keyId()).setSignature(null).build();
        copy.setSignature(ByteBuffer.wrap(Hmac.sha256(key, VerdictCanonicalEncoding.encode(copy))));
        return copy;
    }
}
