package io.ctstream.streams.matching;

import java.time.Duration;

/**
 * Limits of the expectation matcher.
 *
 * @param graceMicros how far, in event time, a new connection seen by another sensor may precede the expectation
 *     it fulfils (the sensors' clocks differ), how late a tracker's records may be behind its own progress (sensors
 *     sharing a partition), and so how long a decision waits after every tracker has passed its event time
 * @param maxPending new connections per task waiting for their decision (a grace period of event time, twice);
 *     beyond it a new connection is not matched (it stays NEW), counted and alerted
 * @param maxExpectationsPerSlot live expectations kept per expected destination (a flood guard on
 *     top of the helpers' per-master limits); the oldest is evicted and counted
 */
public record MatcherConfig(long graceMicros, int maxPending, int maxExpectationsPerSlot) {

    public static final MatcherConfig DEFAULTS = new MatcherConfig(Duration.ofSeconds(5).toNanos() / 1000, 524_288, 64);

    public MatcherConfig {
        if (graceMicros < 0) {
            throw new IllegalArgumentException("grace must be >= 0");
        }
        if (maxPending < 1 || maxExpectationsPerSlot < 1) {
            throw new IllegalArgumentException("matcher caps must be >= 1");
        }
    }
}
