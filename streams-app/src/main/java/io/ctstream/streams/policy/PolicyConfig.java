package io.ctstream.streams.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.streams.helper.registry.HelperRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The verdict policy, read from YAML (see {@code streams-app/policy.example.yaml} and the module
 * README). Every problem is a {@link PolicyException} whose message names the source and the field,
 * e.g. {@code policy.yaml: gateways[0].subnets[1]: '10.0.0.0/33' has prefix length 33, must be
 * 0-32}.
 *
 * @param verdictValidity how long after it is issued (wall clock) an agent may still apply a
 *     verdict
 * @param revokeOn expectation ends that revoke its pinholes (FULFILLED, EVICTED, EXPIRED,
 *     MASTER_DESTROYED; all by default)
 * @param gateways the gateways, in file order
 * @param alertResponses alert type → response
 */
public record PolicyConfig(
        Duration verdictValidity,
        Set<ExpectationEventType> revokeOn,
        List<GatewayPolicy> gateways,
        Map<String, AlertResponse> alertResponses) {

    /**
     * What to do about an alert type: block its source on the gateways that see it for {@code
     * blockSeconds}.
     */
    public record AlertResponse(int blockSeconds) {}

    /** The helpers that open pinholes: every registered one. */
    public static final Set<String> HELPERS = HelperRegistry.names();

    /**
     * The alert types streams-app raises (Alert.avsc): the channel core's and every registered
     * helper's.
     */
    public static final Set<String> ALERT_TYPES = HelperRegistry.alertTypes();

    /**
     * The expectation ends that may revoke a pinhole, each by default. FULFILLED too (issue 18): a
     * kernel expectation is used once, and the gateway's own conntrack keeps the established data
     * connection without the pinhole, so leaving it open would let a second connection through for
     * the rest of the TTL.
     */
    public static final Set<ExpectationEventType> REVOCABLE =
            EnumSet.of(
                    ExpectationEventType.FULFILLED,
                    ExpectationEventType.EVICTED,
                    ExpectationEventType.EXPIRED,
                    ExpectationEventType.MASTER_DESTROYED);

    /** Longest TTL of a pinhole or block: the enforcement agent's default {@code --max-ttl}. */
    public static final int MAX_TTL_SECONDS = 86_400;

    public static final int DEFAULT_VALIDITY_SECONDS = 60;
    private static final int MAX_VALIDITY_SECONDS = 3_600;
    private static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9_.:-]+");

    public PolicyConfig {
        revokeOn = revokeOn.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(revokeOn));
        gateways = List.copyOf(gateways);
        alertResponses = Map.copyOf(alertResponses);
    }

    // The file's shape, bound by Jackson (unknown fields are errors); validated into a
    // PolicyConfig.
    record RawPolicy(
            Integer verdictValiditySeconds,
            List<String> revokeOn,
            List<RawGateway> gateways,
            Map<String, RawResponse> alertResponses) {}

    record RawGateway(
            String id,
            List<String> sensors,
            List<String> subnets,
            String keyId,
            List<String> helpers,
            Integer pinholeTtlSeconds,
            Boolean wildcardSource,
            List<String> pinholeSensors) {}

    record RawResponse(Integer blockSeconds) {}

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    public static PolicyConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyException("cannot read policy file " + file + ": " + e, e);
        }
        return parse(text, file.toString());
    }

    /** Parses and validates policy YAML; {@code source} names it in error messages. */
    public static PolicyConfig parse(String yaml, String source) {
        RawPolicy raw;
        try {
            raw = YAML.readValue(yaml, RawPolicy.class);
        } catch (UnrecognizedPropertyException e) {
            throw new PolicyException(
                    source
                            + ": "
                            + path(e)
                            + ": unknown field '"
                            + e.getPropertyName()
                            + "' (known: "
                            + e.getKnownPropertyIds()
                            + ")",
                    e);
        } catch (JsonMappingException e) {
            if (e.getCause()
                    instanceof
                    StreamReadException syntax) { // a YAML syntax error met while binding a field
                throw notYaml(source, syntax);
            }
            throw new PolicyException(
                    source
                            + ": "
                            + path(e)
                            + ": "
                            + e.getOriginalMessage().lines().findFirst().orElse(""),
                    e);
        } catch (JsonProcessingException e) {
            throw notYaml(source, e);
        }
        if (raw == null) {
            throw new PolicyException(source + ": empty policy (expected at least 'gateways')");
        }
        return new Validator(source).validate(raw);
    }

    private static PolicyException notYaml(String source, JsonProcessingException e) {
        return new PolicyException(
                source
                        + ": not valid YAML: "
                        + e.getOriginalMessage().lines().findFirst().orElse("")
                        + (e.getLocation() == null
                                ? ""
                                : " (line " + e.getLocation().getLineNr() + ")"),
                e);
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.isEmpty() ? "(top level)" : b.toString();
    }

    /** The gateway with id {@code id}, or null. */
    public GatewayPolicy gateway(String id) {
        return gateways.stream().filter(g -> g.id().equals(id)).findFirst().orElse(null);
    }

    private static final class Validator {
        private final String source;

        Validator(String source) {
            this.source = source;
        }

        private PolicyException error(String field, String message) {
            return new PolicyException(source + ": " + field + ": " + message);
        }

        PolicyConfig validate(RawPolicy raw) {
            int validity =
                    raw.verdictValiditySeconds() == null
                            ? DEFAULT_VALIDITY_SECONDS
                            : raw.verdictValiditySeconds();
            if (validity < 1 || validity > MAX_VALIDITY_SECONDS) {
                throw error(
                        "verdictValiditySeconds",
                        "must be 1-" + MAX_VALIDITY_SECONDS + " s, got " + validity);
            }
            Set<ExpectationEventType> revokeOn =
                    raw.revokeOn() == null ? REVOCABLE : revokeOn(raw.revokeOn());
            if (raw.gateways() == null || raw.gateways().isEmpty()) {
                throw error("gateways", "at least one gateway is required");
            }
            List<GatewayPolicy> gateways = new ArrayList<>();
            Set<String> ids = new LinkedHashSet<>();
            for (int i = 0; i < raw.gateways().size(); i++) {
                GatewayPolicy g = gateway("gateways[" + i + "]", raw.gateways().get(i));
                if (!ids.add(g.id())) {
                    throw error(
                            "gateways[" + i + "].id", "gateway '" + g.id() + "' is listed twice");
                }
                gateways.add(g);
            }
            Map<String, AlertResponse> responses = new LinkedHashMap<>();
            if (raw.alertResponses() != null) {
                raw.alertResponses()
                        .forEach(
                                (type, r) -> {
                                    String field = "alertResponses." + type;
                                    if (!ALERT_TYPES.contains(type)) {
                                        throw error(
                                                field,
                                                "unknown alert type '"
                                                        + type
                                                        + "' (known: "
                                                        + new TreeSet<>(ALERT_TYPES)
                                                        + ")");
                                    }
                                    if (r == null || r.blockSeconds() == null) {
                                        throw error(
                                                field + ".blockSeconds",
                                                "is required (how long to block the alert's source)");
                                    }
                                    responses.put(
                                            type,
                                            new AlertResponse(
                                                    ttl(
                                                            field + ".blockSeconds",
                                                            r.blockSeconds())));
                                });
            }
            return new PolicyConfig(Duration.ofSeconds(validity), revokeOn, gateways, responses);
        }

        private Set<ExpectationEventType> revokeOn(List<String> names) {
            Set<ExpectationEventType> out = EnumSet.noneOf(ExpectationEventType.class);
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                String f = "revokeOn[" + i + "]";
                ExpectationEventType t =
                        REVOCABLE.stream()
                                .filter(
                                        r ->
                                                r.name()
                                                        .equalsIgnoreCase(
                                                                n == null
                                                                        ? ""
                                                                        : n.replace('-', '_')))
                                .findFirst()
                                .orElseThrow(
                                        () ->
                                                error(
                                                        f,
                                                        "'"
                                                                + n
                                                                + "' is not an expectation end that can revoke a pinhole (one of "
                                                                + REVOCABLE
                                                                + ")"));
                out.add(t);
            }
            return out;
        }

        private GatewayPolicy gateway(String field, RawGateway g) {
            if (g == null) {
                throw error(field, "empty gateway entry");
            }
            if (g.id() == null || g.id().isBlank()) {
                throw error(field + ".id", "is required");
            }
            if (!GATEWAY_ID.matcher(g.id()).matches()) {
                throw error(
                        field + ".id", "'" + g.id() + "' may only hold letters, digits, _ . : -");
            }
            String where = field + " (" + g.id() + ")";
            Set<String> sensors = new LinkedHashSet<>();
            List<String> rawSensors = g.sensors() == null ? List.of() : g.sensors();
            for (int i = 0; i < rawSensors.size(); i++) {
                String s = rawSensors.get(i);
                if (s == null || s.isBlank()) {
                    throw error(field + ".sensors[" + i + "]", "empty sensor id");
                }
                sensors.add(s.strip());
            }
            List<Subnet> subnets = new ArrayList<>();
            List<String> rawSubnets = g.subnets() == null ? List.of() : g.subnets();
            for (int i = 0; i < rawSubnets.size(); i++) {
                try {
                    subnets.add(Subnet.parse(rawSubnets.get(i)));
                } catch (IllegalArgumentException e) {
                    throw error(field + ".subnets[" + i + "]", e.getMessage());
                }
            }
            Set<String> pinholeSensors = new LinkedHashSet<>();
            List<String> rawPinholeSensors =
                    g.pinholeSensors() == null ? List.of() : g.pinholeSensors();
            for (int i = 0; i < rawPinholeSensors.size(); i++) {
                String s = rawPinholeSensors.get(i);
                if (s == null || s.isBlank()) {
                    throw error(field + ".pinholeSensors[" + i + "]", "empty sensor id");
                }
                pinholeSensors.add(s.strip());
            }
            if (g.pinholeSensors() != null && pinholeSensors.isEmpty()) {
                throw error(
                        field + ".pinholeSensors",
                        "is empty: no expectation could open a pinhole (omit it for any "
                                + "sensor that sees the gateway)");
            }
            if (sensors.isEmpty() && subnets.isEmpty()) {
                throw error(
                        where, "needs 'sensors' or 'subnets' (otherwise no traffic maps to it)");
            }
            Set<String> helpers = new LinkedHashSet<>();
            List<String> rawHelpers = g.helpers() == null ? List.of() : g.helpers();
            for (int i = 0; i < rawHelpers.size(); i++) {
                String h = rawHelpers.get(i);
                if (h == null || !HELPERS.contains(h)) {
                    throw error(
                            field + ".helpers[" + i + "]",
                            "unknown helper '" + h + "' (known: ftp, irc)");
                }
                helpers.add(h);
            }
            if (g.keyId() != null && !g.keyId().matches("[A-Za-z0-9_:-]+")) {
                throw error(
                        field + ".keyId",
                        "'" + g.keyId() + "' may only hold letters, digits, _ - :");
            }
            OptionalInt ttl =
                    g.pinholeTtlSeconds() == null
                            ? OptionalInt.empty()
                            : OptionalInt.of(
                                    ttl(field + ".pinholeTtlSeconds", g.pinholeTtlSeconds()));
            return new GatewayPolicy(
                    g.id(),
                    sensors,
                    subnets,
                    g.keyId(),
                    helpers,
                    ttl,
                    Boolean.TRUE.equals(g.wildcardSource()),
                    pinholeSensors);
        }

        private int ttl(String field, int seconds) {
            if (seconds < 1 || seconds > MAX_TTL_SECONDS) {
                throw error(field, "must be 1-" + MAX_TTL_SECONDS + " s, got " + seconds);
            }
            return seconds;
        }
    }
}
