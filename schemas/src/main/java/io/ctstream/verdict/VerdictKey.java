package io.ctstream.verdict;

import java.util.Arrays;

/** One HMAC key of one gateway. The secret is copied in and out so callers cannot change it. */
public final class VerdictKey {
    private final String gatewayId;
    private final String keyId;
    private final byte[] secret;

    public VerdictKey(String gatewayId, String keyId, byte[] secret) {
        this.gatewayId = gatewayId;
        this.keyId = keyId;
        this.secret = secret.clone();
    }

    public String gatewayId() {
        return gatewayId;
    }

    public String keyId() {
        return keyId;
    }

    byte[] secret() {
        return secret.clone();
    }

    @Override
    public String toString() {
        // never the secret
        return "VerdictKey[" + gatewayId + "/" + keyId + ", " + secret.length + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerdictKey k
                && k.gatewayId.equals(gatewayId)
                && k.keyId.equals(keyId)
                && Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return gatewayId.hashCode() * 31 + keyId.hashCode();
    }
}
