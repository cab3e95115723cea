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
     * A copy of {@code verdict} with {@code keyId} set to its gateway's active key and
     * {@code signature} set to the HMAC-SHA256 of its canonical encoding (which covers the key id).
     */
    public Verdict sign(Verdict verdict) {
        VerdictKey key = keyring.signingKey(verdict.getGatewayId());
        Verdict copy = Verdict.newBuilder(verdict).setKeyId(key.keyId()).setSignature(null).build();
        copy.setSignature(ByteBuffer.wrap(Hmac.sha256(key, VerdictCanonicalEncoding.encode(copy))));
        return copy;
    }
}
