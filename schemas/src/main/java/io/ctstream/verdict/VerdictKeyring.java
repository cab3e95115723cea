package io.ctstream.verdict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HMAC keys of every gateway: key id to secret, per gateway, and which key signs.
 *
 * <p>Key file format (UTF-8 text, one entry a line, {@code #} starts a comment line):
 *
 * <pre>
 *   # key.&lt;gatewayId&gt;.&lt;keyId&gt; = &lt;base64 secret, at least 32 bytes&gt;
 *   key.gw-lab-1.2026-11 = 3q2+7wA...=
 *   key.gw-lab-1.2026-12 = q83vASM...=
 *   # active.&lt;gatewayId&gt; = &lt;keyId&gt;: the key the signer uses; optional when the gateway has one key
 *   active.gw-lab-1 = 2026-12
 *   # scope.&lt;gatewayId&gt;.&lt;keyId&gt; = &lt;actions&gt; [max-ttl=S] [min-src-prefix-v4=N] [min-src-prefix-v6=N]
 *   key.gw-lab-1.op-alice = 7e3a...=
 *   scope.gw-lab-1.op-alice = BLOCK,REVOKE,ALLOW max-ttl=3600
 * </pre>
 *
 * A key with a {@code scope} line (an operator's) may sign only what {@link KeyScope} allows; one
 * without is streams-app's policy key. A scoped key is never the signer's {@code active} key. A key
 * id is letters, digits, {@code _ - :}; the gateway id is everything between {@code key.} and the
 * last dot. Every key listed for a gateway verifies, so rotation is: add the new key (agents
 * first), switch {@code active} on the signer, remove the old key once its verdicts have expired.
 * Duplicate entries, bad base64, short secrets and an {@code active} naming a missing key are
 * errors naming the file and line.
 */
public final class VerdictKeyring {

    /** 256 bits, the HMAC-SHA256 block-size-independent minimum RFC 2104 recommends (L = 32). */
    public static final int MIN_SECRET_BYTES = 32;

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_:-]+");

    private final Map<String, Map<String, VerdictKey>> keys;
    private final Map<String, String> active;
    private final Map<String, KeyScope>
            scopes; // "<gateway>/<keyId>" to its scope; absent: unscoped (policy key)

    private VerdictKeyring(
            Map<String, Map<String, VerdictKey>> keys,
            Map<String, String> active,
            Map<String, KeyScope> scopes) {
        this.keys = keys;
        this.active = active;
        this.scopes = scopes;
    }

    /**
     * Reads a key file; every problem is a {@link KeyringException} naming the file and line. A
     * file that the group or others may read, write or run is refused, as ssh refuses a private
     * key: whoever reads the secret can sign verdicts that open pinholes (on file systems without
     * POSIX permissions there is nothing to check).
     */
    public static VerdictKeyring load(Path file) {
        String text;
        try {
            requirePrivate(file);
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KeyringException("cannot read key file " + file + ": " + e, e);
        }
        return parse(text, file.toString());
    }

    private static void requirePrivate(Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return;
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : perms) {
            if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                open.add(p);
            }
        }
        if (!open.isEmpty()) {
            throw new KeyringException(
                    "key file "
                            + file
                            + " is accessible by others (mode "
                            + PosixFilePermissions.toString(perms)
                            + "): it holds the secrets that sign "
                            + "verdicts; chmod 600 "
                            + file);
        }
    }

    /** Parses key-file text; {@code source} names it in error messages. */
    public static VerdictKeyring parse(String text, String source) {
        Map<String, Map<String, VerdictKey>> keys = new LinkedHashMap<>();
        Map<String, String> active = new LinkedHashMap<>();
        Map<String, Integer> activeLine = new LinkedHashMap<>();
        Map<String, KeyScope> scopes = new LinkedHashMap<>();
        Map<String, Integer> scopeLine = new LinkedHashMap<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = source + ":" + (i + 1);
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new KeyringException(
                        where
                                + ": expected 'key.<gateway>.<keyId> = <base64>' or 'active.<gateway> = <keyId>'");
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (name.startsWith("key.")) {
                String rest = name.substring("key.".length());
                int dot = rest.lastIndexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    throw new KeyringException(
                            where + ": '" + name + "' is not key.<gateway>.<keyId>");
                }
                String gw = rest.substring(0, dot);
                String keyId = rest.substring(dot + 1);
                if (!KEY_ID.matcher(keyId).matches()) {
                    throw new KeyringException(
                            where
                                    + ": key id '"
                                    + keyId
                                    + "' may only hold letters, digits, _ - :");
                }
                byte[] secret;
                try {
                    secret = Base64.getDecoder().decode(value);
                } catch (IllegalArgumentException e) {
                    throw new KeyringException(
                            where
                                    + ": secret of "
                                    + gw
                                    + "/"
                                    + keyId
                                    + " is not base64: "
                                    + e.getMessage());
                }
                if (secret.length < MIN_SECRET_BYTES) {
                    throw new KeyringException(
                            where
                                    + ": secret of "
                                    + gw
                                    + "/"
                                    + keyId
                                    + " is "
                                    + secret.length
                                    + " bytes, need at least "
                                    + MIN_SECRET_BYTES
                                    + " (e.g. `head -c 32 /dev/urandom | base64`)");
                }
                Map<String, VerdictKey> gwKeys =
                        keys.computeIfAbsent(gw, g -> new LinkedHashMap<>());
                if (gwKeys.putIfAbsent(keyId, new VerdictKey(gw, keyId, secret)) != null) {
                    throw new KeyringException(
                            where + ": key " + gw + "/" + keyId + " is listed twice");
                }
            } else if (name.startsWith("active.")) {
                String gw = name.substring("active.".length());
                if (gw.isEmpty() || value.isEmpty()) {
                    throw new KeyringException(where + ": expected 'active.<gateway> = <keyId>'");
                }
                if (active.putIfAbsent(gw, value) != null) {
                    throw new KeyringException(where + ": active key of " + gw + " is set twice");
                }
                activeLine.put(gw, i + 1);
            } else if (name.startsWith("scope.")) {
                String rest = name.substring("scope.".length());
                int dot = rest.lastIndexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    throw new KeyringException(
                            where + ": '" + name + "' is not scope.<gateway>.<keyId>");
                }
                String ref = rest.substring(0, dot) + "/" + rest.substring(dot + 1);
                KeyScope scope;
                try {
                    scope = KeyScope.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new KeyringException(where + ": scope of " + ref + ": " + e.getMessage());
                }
                if (scopes.putIfAbsent(ref, scope) != null) {
                    throw new KeyringException(where + ": scope of " + ref + " is set twice");
                }
                scopeLine.put(ref, i + 1);
            } else {
                throw new KeyringException(
                        where
                                + ": unknown entry '"
                                + name
                                + "' (expected key.<gateway>.<keyId>, active.<gateway> or scope.<gateway>.<keyId>)");
            }
        }
        for (Map.Entry<String, String> a : active.entrySet()) {
            Map<String, VerdictKey> gwKeys = keys.get(a.getKey());
            if (gwKeys == null || !gwKeys.containsKey(a.getValue())) {
                throw new KeyringException(
                        source
                                + ":"
                                + activeLine.get(a.getKey())
                                + ": active key "
                                + a.getKey()
                                + "/"
                                + a.getValue()
                                + " is not listed as key."
                                + a.getKey()
                                + "."
                                + a.getValue());
            }
        }
        for (String ref : scopes.keySet()) {
            int slash = ref.lastIndexOf('/');
            String gw = ref.substring(0, slash);
            Map<String, VerdictKey> gwKeys = keys.get(gw);
            if (gwKeys == null || !gwKeys.containsKey(ref.substring(slash + 1))) {
                throw new KeyringException(
                        source
                                + ":"
                                + scopeLine.get(ref)
                                + ": scope of "
                                + ref
                                + " names a key that is not listed");
            }
            if (ref.substring(slash + 1).equals(active.get(gw))) {
                // the policy signs with the active key: a scope on it would quietly narrow
                // streams-app's verdicts
                throw new KeyringException(
                        source
                                + ":"
                                + scopeLine.get(ref)
                                + ": "
                                + ref
                                + " is the active (policy) key of "
                                + gw
                                + "; scope only operator keys");
            }
        }
        if (keys.isEmpty()) {
            throw new KeyringException(
                    source + ": no keys (expected lines 'key.<gateway>.<keyId> = <base64>')");
        }
        keys.replaceAll((gw, m) -> Collections.unmodifiableMap(m));
        return new VerdictKeyring(
                Collections.unmodifiableMap(keys),
                Collections.unmodifiableMap(active),
                Collections.unmodifiableMap(scopes));
    }

    /**
     * A keyring built in code (tests, tools): {@code keys} per gateway, {@code active} key id per
     * gateway.
     */
    public static VerdictKeyring of(
            Map<String, Map<String, byte[]>> keys, Map<String, String> active) {
        StringBuilder text = new StringBuilder();
        keys.forEach(
                (gw, m) ->
                        m.forEach(
                                (id, secret) ->
                                        text.append("key.")
                                                .append(gw)
                                                .append('.')
                                                .append(id)
                                                .append(" = ")
                                                .append(Base64.getEncoder().encodeToString(secret))
                                                .append('\n')));
        active.forEach(
                (gw, id) ->
                        text.append("active.").append(gw).append(" = ").append(id).append('\n'));
        return parse(text.toString(), "(in-memory keyring)");
    }

    /** The key {@code keyId} of {@code gatewayId}, if listed. */
    public Optional<VerdictKey> key(String gatewayId, String keyId) {
        Map<String, VerdictKey> gwKeys = keys.get(gatewayId);
        return gwKeys == null || keyId == null
                ? Optional.empty()
                : Optional.ofNullable(gwKeys.get(keyId));
    }

    /** The scope of key {@code keyId} of {@code gatewayId}; empty for an unscoped (policy) key. */
    public Optional<KeyScope> scope(String gatewayId, String keyId) {
        return Optional.ofNullable(scopes.get(gatewayId + "/" + keyId));
    }

    /** The id of {@code gatewayId}'s {@code active} key, if the file names one. */
    public Optional<String> activeKeyId(String gatewayId) {
        return Optional.ofNullable(active.get(gatewayId));
    }

    /** Whether any key is listed for {@code gatewayId}. */
    public boolean hasGateway(String gatewayId) {
        return keys.containsKey(gatewayId);
    }

    /** Gateways with at least one key. */
    public Set<String> gateways() {
        return keys.keySet();
    }

    /**
     * The key an agent signs its reports with: the active key when one is named, else the last one
     * listed (an agent's key file lists the new key last during a rotation, before {@code active}
     * moves). Every listed key verifies, so either choice verifies at the next restart.
     */
    public VerdictKey reportKey(String gatewayId) {
        Map<String, VerdictKey> gwKeys = keys.get(gatewayId);
        if (gwKeys == null) {
            throw new KeyringException(
                    "no key for gateway " + gatewayId + " (have: " + keys.keySet() + ")");
        }
        String id = active.get(gatewayId);
        if (id != null) {
            return gwKeys.get(id);
        }
        VerdictKey last = null;
        for (VerdictKey k : unscoped(gwKeys)) {
            last = k;
        }
        if (last == null) {
            throw new KeyringException(
                    "gateway " + gatewayId + " has only scoped (operator) keys " + gwKeys.keySet());
        }
        return last;
    }

    /**
     * The key that signs the policy's verdicts for {@code gatewayId}: its {@code active} entry, or
     * its only unscoped key. A clear error when there is none or the choice is ambiguous.
     */
    public VerdictKey signingKey(String gatewayId) {
        Map<String, VerdictKey> gwKeys = keys.get(gatewayId);
        if (gwKeys == null) {
            throw new KeyringException(
                    "no key for gateway " + gatewayId + " (have: " + keys.keySet() + ")");
        }
        String id = active.get(gatewayId);
        if (id != null) {
            return gwKeys.get(id);
        }
        List<VerdictKey> policyKeys = unscoped(gwKeys);
        if (policyKeys.size() == 1) {
            return policyKeys.get(0);
        }
        if (policyKeys.isEmpty()) {
            throw new KeyringException(
                    "gateway "
                            + gatewayId
                            + " has only scoped (operator) keys "
                            + gwKeys.keySet()
                            + ": the policy signs with an unscoped key");
        }
        throw new KeyringException(
                "gateway "
                        + gatewayId
                        + " has keys "
                        + gwKeys.keySet()
                        + " and no 'active."
                        + gatewayId
                        + " = <keyId>' to say which one signs");
    }

    /** The keys without a scope line, in file order: the policy's (and the agents' report) keys. */
    private List<VerdictKey> unscoped(Map<String, VerdictKey> gwKeys) {
        return gwKeys.values().stream()
                .filter(k -> !scopes.containsKey(k.gatewayId() + "/" + k.keyId()))
                .toList();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("VerdictKeyring[");
        keys.forEach((gw, m) -> b.append(gw).append('=').append(m.keySet()).append(' '));
        return b.append("active=")
                .append(active)
                .append(" scoped=")
                .append(scopes.keySet())
                .append(']')
                .toString();
    }
}
