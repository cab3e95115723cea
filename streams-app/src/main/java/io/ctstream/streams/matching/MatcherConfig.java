package io.ctstream.streams.matching;

import java.time.Duration;

/**
 * Limits of the expectation matcher.
 *
 * @param graceMicros how far, in stream time, a new connection may precede the expectation it
 *     fulfils (skew between partitions or sensors), and how long an expectation outlives its
 *     timeout waiting for a connection stamped before it
 * @param maxPendingPerSlot unclaimed new connections kept per expected destination; older ones are
 *     dropped and counted
 * @param maxExpectationsPerSlot live expectations kept per expected destination (a flood guard on
 *     top of the helpers' per-master limits); the oldest is evicted and counted
 */
public record MatcherConfig(long graceMicros, int maxPendingPerSlot, int maxExpectationsPerSlot) {

    public static final MatcherConfig DEFAULTS = new MatcherConfig(Duration.ofSeconds(5).toNanos() / 1000, 64, 64);

    public MatcherConfig {
        if (graceMicros < 0) {
            throw new IllegalArgumentException("grace must be >= 0");
        }
        if (maxPendingPerSlot < 1 || maxExpectationsPerSlot < 1) {
            throw new IllegalArgumentException("matcher caps must be >= 1");
        }
    }
}
