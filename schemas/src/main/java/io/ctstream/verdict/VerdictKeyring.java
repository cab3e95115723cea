package io.ctstream.verdict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HMAC keys of every gateway: key id to secret, per gateway, and which key signs.
 *
 * <p>Key file format (UTF-8 text, one entry a line, {@code #} starts a comment line):
 * <pre>
 *   # key.&lt;gatewayId&gt;.&lt;keyId&gt; = &lt;base64 secret, at least 32 bytes&gt;
 *   key.gw-lab-1.2026-11 = 3q2+7wA...=
 *   key.gw-lab-1.2026-12 = q83vASM...=
 *   # active.&lt;gatewayId&gt; = &lt;keyId&gt;: the key the signer uses; optional when the gateway has one key
 *   active.gw-lab-1 = 2026-12
 * </pre>
 * A key id is letters, digits, {@code _ - :}; the gateway id is everything between {@code key.} and
 * the last dot. Every key listed for a gateway verifies, so rotation is: add the new key (agents
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

    private VerdictKeyring(Map<String, Map<String, VerdictKey>> keys, Map<String, String> active) {
        this.keys = keys;
        this.active = active;
    }

    /**
     * Reads a key file; every problem is a {@link KeyringException} naming the file and line. A file that the
     * group or others may read, write or run is refused, as ssh refuses a private key: whoever reads the secret
     * can sign verdicts that open pinholes (on file systems without POSIX permissions there is nothing to check).
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
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> open = java.util.EnumSet.noneOf(
                java.nio.file.attribute.PosixFilePermission.class);
        for (java.nio.file.attribute.PosixFilePermission p : perms) {
            if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                open.add(p);
            }
        }
        if (!open.isEmpty()) {
            throw new KeyringException("key file " + file + " is accessible by others (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "): it holds the secrets that sign "
                    + "verdicts; chmod 600 " + file);
        }
    }

    /** Parses key-file text; {@code source} names it in error messages. */
    public static VerdictKeyring parse(String text, String source) {
        Map<String, Map<String, VerdictKey>> keys = new LinkedHashMap<>();
        Map<String, String> active = new LinkedHashMap<>();
        Map<String, Integer> activeLine = new LinkedHashMap<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = source + ":" + (i + 1);
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new KeyringException(where + ": expected 'key.<gateway>.<keyId> = <base64>' or 'active.<gateway> = <keyId>'");
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (name.startsWith("key.")) {
                String rest = name.substring("key.".length());
                int dot = rest.lastIndexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    throw new KeyringException(where + ": '" + name + "' is not key.<gateway>.<keyId>");
                }
                String gw = rest.substring(0, dot);
                String keyId = rest.substring(dot + 1);
                if (!KEY_ID.matcher(keyId).matches()) {
                    throw new KeyringException(where + ": key id '" + keyId + "' may only hold letters, digits, _ - :");
                }
                byte[] secret;
                try {
                    secret = Base64.getDecoder().decode(value);
                } catch (IllegalArgumentException e) {
                    throw new KeyringException(where + ": secret of " + gw + "/" + keyId + " is not base64: " + e.getMessage());
                }
                if (secret.length < MIN_SECRET_BYTES) {
                    throw new KeyringException(where + ": secret of " + gw + "/" + keyId + " is " + secret.length
                            + " bytes, need at least " + MIN_SECRET_BYTES + " (e.g. `head -c 32 /dev/urandom | base64`)");
                }
                Map<String, VerdictKey> gwKeys = keys.computeIfAbsent(gw, g -> new LinkedHashMap<>());
                if (gwKeys.putIfAbsent(keyId, new VerdictKey(gw, keyId, secret)) != null) {
                    throw new KeyringException(where + ": key " + gw + "/" + keyId + " is listed twice");
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
            } else {
                throw new KeyringException(where + ": unknown entry '" + name + "' (expected key.<gateway>.<keyId> or active.<gateway>)");
            }
        }
        for (Map.Entry<String, String> a : active.entrySet()) {
            Map<String, VerdictKey> gwKeys = keys.get(a.getKey());
            if (gwKeys == null || !gwKeys.containsKey(a.getValue())) {
                throw new KeyringException(source + ":" + activeLine.get(a.getKey()) + ": active key " + a.getKey() + "/"
                        + a.getValue() + " is not listed as key." + a.getKey() + "." + a.getValue());
            }
        }
        if (keys.isEmpty()) {
            throw new KeyringException(source + ": no keys (expected lines 'key.<gateway>.<keyId> = <base64>')");
        }
        keys.replaceAll((gw, m) -> Collections.unmodifiableMap(m));
        return new VerdictKeyring(Collections.unmodifiableMap(keys), Collections.unmodifiableMap(active));
    }

    /** A keyring built in code (tests, tools): {@code keys} per gateway, {@code active} key id per gateway. */
    public static VerdictKeyring of(Map<String, Map<String, byte[]>> keys, Map<String, String> active) {
        StringBuilder text = new StringBuilder();
        keys.forEach((gw, m) -> m.forEach((id, secret) -> text.append("key.").append(gw).append('.').append(id)
                .append(" = ").append(Base64.getEncoder().encodeToString(secret)).append('\n')));
        active.forEach((gw, id) -> text.append("active.").append(gw).append(" = ").append(id).append('\n'));
        return parse(text.toString(), "(in-memory keyring)");
    }

    /** The key {@code keyId} of {@code gatewayId}, if listed. */
    public Optional<VerdictKey> key(String gatewayId, String keyId) {
        Map<String, VerdictKey> gwKeys = keys.get(gatewayId);
        return gwKeys == null || keyId == null ? Optional.empty() : Optional.ofNullable(gwKeys.get(keyId));
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
     * The key that signs verdicts for {@code gatewayId}: its {@code active} entry, or its only key.
     * A clear error when there is none or the choice is ambiguous.
     */
    /**
     * The key an agent signs its reports with: the active key when one is named, else the last one listed (an
     * agent's key file lists the new key last during a rotation, before {@code active} moves). Every listed key
     * verifies, so either choice verifies at the next restart.
     */
    public VerdictKey reportKey(String gatewayId) {
        Map<String, VerdictKey> gwKeys = keys.get(gatewayId);
        if (gwKeys == null) {
            throw new KeyringException("no key for gateway " + gatewayId + " (have: " + keys.keySet() + ")");
        }
        String id = active.get(gatewayId);
        if (id != null) {
            return gwKeys.get(id);
        }
        VerdictKey last = null;
        for (VerdictKey k : gwKeys.values()) {
            last = k;
        }
        return last;
    }

    public VerdictKey signingKey(String gatewayId) {
        Map<String, VerdictKey> gwKeys = keys.get(gatewayId);
        if (gwKeys == null) {
            throw new KeyringException("no key for gateway " + gatewayId + " (have: " + keys.keySet() + ")");
        }
        String id = active.get(gatewayId);
        if (id != null) {
            return gwKeys.get(id);
        }
        if (gwKeys.size() == 1) {
            return gwKeys.values().iterator().next();
        }
        throw new KeyringException("gateway " + gatewayId + " has keys " + gwKeys.keySet()
                + " and no 'active." + gatewayId + " = <keyId>' to say which one signs");
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("VerdictKeyring[");
        keys.forEach((gw, m) -> b.append(gw).append('=').append(m.keySet()).append(' '));
        return b.append("active=").append(active).append(']').toString();
    }
}
