package io.ctstream.streams.policy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One gateway of the policy: what it sees (the sensors that capture its traffic and/or the subnets
 * behind it), which helpers may open pinholes through it, how long a pinhole lasts and which key
 * signs its verdicts.
 *
 * @param id gateway id (the verdicts topic key; the enforcement agent's {@code --gateway})
 * @param sensors sensor ids whose packets are this gateway's traffic
 * @param subnets networks behind the gateway
 * @param keyId the key id that must sign its verdicts (checked against the keyring), or null for
 *     the keyring's active key
 * @param helpers helpers ({@code ftp}, {@code irc}) allowed to open pinholes
 * @param pinholeTtlSeconds TTL of an ALLOW; empty: the expectation's remaining life
 * @param wildcardSource whether an expectation without a source address (IRC DCC) may open a
 *     pinhole from any source through this gateway; false unless the policy says so (issue 18)
 * @param pinholeSensors the sensors whose expectations may open (and close) this gateway's
 *     pinholes; empty: any sensor that sees it. With sensor topics the sensor is the topic Kafka
 *     let the packet be written to, so only these sensors' principals can steer the gateway (issue
 *     18, SECURITY.md)
 */
public record GatewayPolicy(
        String id,
        Set<String> sensors,
        List<Subnet> subnets,
        String keyId,
        Set<String> helpers,
        OptionalInt pinholeTtlSeconds,
        boolean wildcardSource,
        Set<String> pinholeSensors) {

    /** A gateway whose pinholes any sensor that sees it may open. */
    public GatewayPolicy(
            String id,
            Set<String> sensors,
            List<Subnet> subnets,
            String keyId,
            Set<String> helpers,
            OptionalInt pinholeTtlSeconds,
            boolean wildcardSource) {
        this(id, sensors, subnets, keyId, helpers, pinholeTtlSeconds, wildcardSource, Set.of());
    }

    /** A gateway that opens pinholes only with a known source address. */
    public GatewayPolicy(
            String id,
            Set<String> sensors,
            List<Subnet> subnets,
            String keyId,
            Set<String> helpers,
            OptionalInt pinholeTtlSeconds) {
        this(id, sensors, subnets, keyId, helpers, pinholeTtlSeconds, false);
    }

    public GatewayPolicy {
        sensors = Set.copyOf(sensors);
        subnets = List.copyOf(subnets);
        helpers = Set.copyOf(helpers);
        pinholeSensors = Set.copyOf(pinholeSensors);
    }

    /**
     * Whether an expectation seen by {@code sensorId} may open or close this gateway's pinholes.
     */
    public boolean acceptsPinholesFrom(String sensorId) {
        return pinholeSensors.isEmpty() || (sensorId != null && pinholeSensors.contains(sensorId));
    }

    /**
     * Whether a packet seen by {@code sensorId} or addressed from/to one of {@code addresses}
     * passes this gateway.
     */
    public boolean sees(String sensorId, ByteBuffer... addresses) {
        if (sensorId != null && sensors.contains(sensorId)) {
            return true;
        }
        for (ByteBuffer a : addresses) {
            for (Subnet s : subnets) {
                if (s.contains(a)) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean allowsHelper(String helper) {
        return helper != null && helpers.contains(helper);
    }
}
