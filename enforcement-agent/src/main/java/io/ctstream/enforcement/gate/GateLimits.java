package io.ctstream.enforcement.gate;

import io.ctstream.schemas.IpProtocol;
import java.time.Duration;
import java.util.Set;

/**
 * How broad a verdict this agent accepts, and how much clock skew it tolerates.
 *
 * @param maxTtlSeconds          longest TTL of an ALLOW or BLOCK
 * @param minSrcPrefixV4         shortest IPv4 source prefix accepted (32: single addresses only)
 * @param minSrcPrefixV6         shortest IPv6 source prefix accepted
 * @param allowWildcardSource    whether an ALLOW may have no source (IRC DCC, some FTP expectations)
 * @param protocols              protocols an ALLOW or BLOCK may name (they must have ports: TCP, UDP, SCTP, DCCP)
 * @param clockSkew              how far past expiresAtMicros a verdict is still accepted
 * @param replayMemory           most verdict ids remembered to refuse replays
 */
public record GateLimits(int maxTtlSeconds, int minSrcPrefixV4, int minSrcPrefixV6, boolean allowWildcardSource,
                         Set<Integer> protocols, Duration clockSkew, int replayMemory) {

    public static final Set<Integer> PORT_PROTOCOLS =
            Set.of(IpProtocol.TCP, IpProtocol.UDP, IpProtocol.DCCP, IpProtocol.SCTP);

    public GateLimits {
        if (maxTtlSeconds <= 0) {
            throw new IllegalArgumentException("max TTL must be positive: " + maxTtlSeconds);
        }
        if (minSrcPrefixV4 < 1 || minSrcPrefixV4 > 32) {
            throw new IllegalArgumentException("minimum IPv4 source prefix must be 1-32: " + minSrcPrefixV4);
        }
        if (minSrcPrefixV6 < 1 || minSrcPrefixV6 > 128) {
            throw new IllegalArgumentException("minimum IPv6 source prefix must be 1-128: " + minSrcPrefixV6);
        }
        if (!PORT_PROTOCOLS.containsAll(protocols) || protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols must be among " + PORT_PROTOCOLS + ": " + protocols);
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clock skew must not be negative");
        }
        if (replayMemory < 1) {
            throw new IllegalArgumentException("replay memory must hold at least one id");
        }
        protocols = Set.copyOf(protocols);
    }

    /** TTL one day at most, source prefixes no wider than /24 (IPv4) and /64 (IPv6), wildcard source allowed, 5 s skew. */
    public static GateLimits defaults() {
        return new GateLimits(86_400, 24, 64, true, PORT_PROTOCOLS, Duration.ofSeconds(5), 1_000_000);
    }
}
