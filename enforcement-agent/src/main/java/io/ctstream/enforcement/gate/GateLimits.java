package io.ctstream.enforcement.gate;

import io.ctstream.schemas.IpProtocol;
import java.time.Duration;
import java.util.Set;

/**
 * How broad a verdict this agent accepts, and how much clock skew it tolerates. An ALLOW opens the
 * gateway, a BLOCK closes it, so they have limits of their own: by default a pinhole is as narrow
 * as a kernel expectation (one source host, a known source, at most an hour), while a BLOCK may
 * cover a /24 or /64 for up to a day.
 *
 * @param maxTtlSeconds longest TTL of a BLOCK
 * @param minSrcPrefixV4 shortest IPv4 source prefix of a BLOCK (32: single addresses only)
 * @param minSrcPrefixV6 shortest IPv6 source prefix of a BLOCK
 * @param allowWildcardSource whether an ALLOW may have no source (IRC DCC offers); a BLOCK never
 *     may
 * @param protocols protocols an ALLOW or BLOCK may name (they must have ports: TCP, UDP, SCTP,
 *     DCCP)
 * @param clockSkew how far past expiresAtMicros a verdict is still accepted
 * @param replayMemory most verdict ids remembered to refuse replays
 * @param maxAllowTtlSeconds longest TTL of an ALLOW
 * @param minAllowSrcPrefixV4 shortest IPv4 source prefix of an ALLOW
 * @param minAllowSrcPrefixV6 shortest IPv6 source prefix of an ALLOW
 */
public record GateLimits(
        int maxTtlSeconds,
        int minSrcPrefixV4,
        int minSrcPrefixV6,
        boolean allowWildcardSource,
        Set<Integer> protocols,
        Duration clockSkew,
        int replayMemory,
        int maxAllowTtlSeconds,
        int minAllowSrcPrefixV4,
        int minAllowSrcPrefixV6) {

    public static final Set<Integer> PORT_PROTOCOLS =
            Set.of(IpProtocol.TCP, IpProtocol.UDP, IpProtocol.DCCP, IpProtocol.SCTP);

    /**
     * Longest TTL of an ALLOW by default: an operator's "allow for an hour"; policy pinholes last
     * minutes.
     */
    public static final int DEFAULT_MAX_ALLOW_TTL_SECONDS = 3_600;

    /** Longest TTL of a BLOCK by default. */
    public static final int DEFAULT_MAX_TTL_SECONDS = 86_400;

    public GateLimits {
        positive("max TTL", maxTtlSeconds);
        positive("max ALLOW TTL", maxAllowTtlSeconds);
        prefix("minimum IPv4 source prefix", minSrcPrefixV4, 32);
        prefix("minimum IPv6 source prefix", minSrcPrefixV6, 128);
        prefix("minimum IPv4 source prefix of an ALLOW", minAllowSrcPrefixV4, 32);
        prefix("minimum IPv6 source prefix of an ALLOW", minAllowSrcPrefixV6, 128);
        if (!PORT_PROTOCOLS.containsAll(protocols) || protocols.isEmpty()) {
            throw new IllegalArgumentException(
                    "protocols must be among " + PORT_PROTOCOLS + ": " + protocols);
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clock skew must not be negative");
        }
        if (replayMemory < 1) {
            throw new IllegalArgumentException("replay memory must hold at least one id");
        }
        protocols = Set.copyOf(protocols);
    }

    /** The same limits for ALLOW and BLOCK (the shape before issue 18 narrowed pinholes). */
    public GateLimits(
            int maxTtlSeconds,
            int minSrcPrefixV4,
            int minSrcPrefixV6,
            boolean allowWildcardSource,
            Set<Integer> protocols,
            Duration clockSkew,
            int replayMemory) {
        this(
                maxTtlSeconds,
                minSrcPrefixV4,
                minSrcPrefixV6,
                allowWildcardSource,
                protocols,
                clockSkew,
                replayMemory,
                maxTtlSeconds,
                minSrcPrefixV4,
                minSrcPrefixV6);
    }

    /**
     * Narrow by default (issue 18): an ALLOW from one source host (/32, /128), never without a
     * source, for at most an hour; a BLOCK of at most a /24 or /64 for at most a day; 5 s skew.
     * Widen with {@code --wildcard-source}, {@code --min-allow-src-prefix-v4}, {@code
     * --max-allow-ttl} (enforcement-agent README).
     */
    public static GateLimits defaults() {
        return new GateLimits(
                DEFAULT_MAX_TTL_SECONDS,
                24,
                64,
                false,
                PORT_PROTOCOLS,
                Duration.ofSeconds(5),
                1_000_000,
                DEFAULT_MAX_ALLOW_TTL_SECONDS,
                32,
                128);
    }

    /** The longest TTL of any verdict this agent accepts: how far back a restart must read. */
    public int longestTtlSeconds() {
        return Math.max(maxTtlSeconds, maxAllowTtlSeconds);
    }

    private static void positive(String what, int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException(what + " must be positive: " + seconds);
        }
    }

    private static void prefix(String what, int length, int max) {
        if (length < 1 || length > max) {
            throw new IllegalArgumentException(what + " must be 1-" + max + ": " + length);
        }
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxTtlSeconds = maxTtlSeconds;
        b.minSrcPrefixV4 = minSrcPrefixV4;
        b.minSrcPrefixV6 = minSrcPrefixV6;
        b.allowWildcardSource = allowWildcardSource;
        b.protocols = protocols;
        b.clockSkew = clockSkew;
        b.replayMemory = replayMemory;
        b.maxAllowTtlSeconds = maxAllowTtlSeconds;
        b.minAllowSrcPrefixV4 = minAllowSrcPrefixV4;
        b.minAllowSrcPrefixV6 = minAllowSrcPrefixV6;
        return b;
    }

    /** Builds a GateLimits: start from {@link #toBuilder()} of the defaults or of another one. */
    public static final class Builder {
        private int maxTtlSeconds;
        private int minSrcPrefixV4;
        private int minSrcPrefixV6;
        private boolean allowWildcardSource;
        private Set<Integer> protocols;
        private Duration clockSkew;
        private int replayMemory;
        private int maxAllowTtlSeconds;
        private int minAllowSrcPrefixV4;
        private int minAllowSrcPrefixV6;

        private Builder() {}

        public Builder maxTtlSeconds(int v) {
            maxTtlSeconds = v;
            return this;
        }

        public Builder minSrcPrefixV4(int v) {
            minSrcPrefixV4 = v;
            return this;
        }

        public Builder minSrcPrefixV6(int v) {
            minSrcPrefixV6 = v;
            return this;
        }

        public Builder allowWildcardSource(boolean v) {
            allowWildcardSource = v;
            return this;
        }

        public Builder protocols(Set<Integer> v) {
            protocols = v;
            return this;
        }

        public Builder clockSkew(Duration v) {
            clockSkew = v;
            return this;
        }

        public Builder replayMemory(int v) {
            replayMemory = v;
            return this;
        }

        public Builder maxAllowTtlSeconds(int v) {
            maxAllowTtlSeconds = v;
            return this;
        }

        public Builder minAllowSrcPrefixV4(int v) {
            minAllowSrcPrefixV4 = v;
            return this;
        }

        public Builder minAllowSrcPrefixV6(int v) {
            minAllowSrcPrefixV6 = v;
            return this;
        }

        public GateLimits build() {
            return new GateLimits(
                    maxTtlSeconds,
                    minSrcPrefixV4,
                    minSrcPrefixV6,
                    allowWildcardSource,
                    protocols,
                    clockSkew,
                    replayMemory,
                    maxAllowTtlSeconds,
                    minAllowSrcPrefixV4,
                    minAllowSrcPrefixV6);
        }
    }
}
