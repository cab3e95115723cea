package io.ctstream.streams.matching;

import java.time.Duration;

/**
 * Limits of the expectation matcher.
 *
 * @param graceMicros how far, in event time, a new connection seen by another sensor may precede
 *     the expectation it fulfils (the sensors' clocks differ), how late a tracker's records may be
 *     behind its own progress (sensors sharing a partition), and so how long a decision waits after
 *     every tracker has passed its event time
 * @param maxPending new connections per task waiting for their decision (a grace period of event
 *     time, twice); beyond it a new connection is not matched (it stays NEW), counted and alerted
 * @param maxExpectationsPerSlot live expectations kept per expected destination (a flood guard on
 *     top of the helpers' per-master limits); the oldest is evicted and counted
 */
public record MatcherConfig(long graceMicros, int maxPending, int maxExpectationsPerSlot) {

    public MatcherConfig {
        if (graceMicros < 0) {
            throw new IllegalArgumentException("grace must be >= 0");
        }
        if (maxPending < 1 || maxExpectationsPerSlot < 1) {
            throw new IllegalArgumentException("matcher caps must be >= 1");
        }
    }

    /** The defaults: 5 s grace, 524,288 pending connections, 64 expectations per slot. */
    public static MatcherConfig defaults() {
        return builder().build();
    }

    /** A builder at the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .graceMicros(graceMicros)
                .maxPending(maxPending)
                .maxExpectationsPerSlot(maxExpectationsPerSlot);
    }

    /** Builder starting at the defaults. */
    public static final class Builder {
        private long graceMicros = Duration.ofSeconds(5).toNanos() / 1000;
        private int maxPending = 524_288;
        private int maxExpectationsPerSlot = 64;

        public Builder graceMicros(long v) {
            graceMicros = v;
            return this;
        }

        public Builder grace(Duration v) {
            graceMicros = v.toNanos() / 1000;
            return this;
        }

        public Builder maxPending(int v) {
            maxPending = v;
            return this;
        }

        public Builder maxExpectationsPerSlot(int v) {
            maxExpectationsPerSlot = v;
            return this;
        }

        public MatcherConfig build() {
            return new MatcherConfig(graceMicros, maxPending, maxExpectationsPerSlot);
        }
    }
}
