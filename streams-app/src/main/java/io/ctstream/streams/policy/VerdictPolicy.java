package io.ctstream.streams.policy;

import io.ctstream.verdict.KeyringException;
import io.ctstream.verdict.VerdictKey;
import io.ctstream.verdict.VerdictKeyring;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * What the verdict processor needs: the policy, the keyring that signs for its gateways, and the
 * wall clock that sets verdict expiry. Built checks that every gateway can be signed for, and with
 * the key id the policy names, so a bad key file fails at start and not on the first verdict.
 */
public record VerdictPolicy(PolicyConfig config, VerdictKeyring keyring, Clock clock) {

    public VerdictPolicy {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(keyring, "keyring");
        Objects.requireNonNull(clock, "clock");
        for (GatewayPolicy g : config.gateways()) {
            VerdictKey key;
            try {
                key = keyring.signingKey(g.id());
            } catch (KeyringException e) {
                throw new PolicyException(
                        "policy gateway '" + g.id() + "' cannot be signed for: " + e.getMessage(),
                        e);
            }
            if (g.keyId() != null && !g.keyId().equals(key.keyId())) {
                throw new PolicyException(
                        "policy gateway '"
                                + g.id()
                                + "' must sign with key id '"
                                + g.keyId()
                                + "' but the key file's signing key for it is '"
                                + key.keyId()
                                + "' (set 'active."
                                + g.id()
                                + " = "
                                + g.keyId()
                                + "' in the key file, or change keyId)");
            }
        }
    }

    /**
     * Loads the policy YAML and the key file (both with errors naming file and field/line), on the
     * system clock.
     */
    public static VerdictPolicy load(Path policyFile, Path keyFile) {
        return new VerdictPolicy(
                PolicyConfig.load(policyFile), VerdictKeyring.load(keyFile), Clock.systemUTC());
    }
}
