package io.ctstream.streams.limits;

import java.time.Duration;

/**
 * The table caps of one stream task (one partition of the tracker and of the matcher), netfilter's
 * {@code nf_conntrack_max} and {@code nf_conntrack_expect_max} made per task.
 *
 * <p>Why per task and not global: the kernel counts one table per network namespace; here a table
 * is split over partitions and instances, and a global count would need a global map (or a shared
 * counter topic every packet waits for), which the design forbids. A per-task cap bounds each
 * instance's memory by (tasks it owns) × cap, which is what an operator sizes anyway.
 *
 * @param maxConnections connections kept per tracker task ({@code nf_conntrack_max}); a new
 *     connection beyond it first early-drops an unassured one, else is not tracked
 * @param maxExpectations live expectations per tracker task ({@code nf_conntrack_expect_max}; the
 *     kernel's default is {@code nf_conntrack_max / 256}, at least 128); one beyond it is refused
 * @param earlyDropScan how many connections, soonest timeout first, early drop looks at for an
 *     unassured one (the kernel looks at 8 hash buckets)
 * @param maxMatchSlots expected destinations the matcher keeps per task; when full, the slot due
 *     soonest is advanced early, else the input is refused
 * @param floodEvictions per-master evictions (max_expected / replaced) within one alert interval at
 *     which an {@code expectation-flood} alert is raised (a normal session evicts a few)
 * @param alertIntervalMicros at most one alert per limit and subject (master or task) per this much
 *     stream time; the next one carries the count suppressed in between
 * @param maxBatchPackets packets one packets record may carry (its first packet and its {@code
 *     following}); a larger batch is dead-lettered whole (the capture agent batches 32 by default)
 */
public record LimitsConfig(
        int maxConnections,
        int maxExpectations,
        int earlyDropScan,
        int maxMatchSlots,
        int floodEvictions,
        long alertIntervalMicros,
        int maxBatchPackets) {

    public static final int DEFAULT_MAX_BATCH_PACKETS = 1024;

    public static final int DEFAULT_MAX_CONNECTIONS = 65536;

    public LimitsConfig {
        if (maxConnections < 1
                || maxExpectations < 1
                || earlyDropScan < 1
                || maxMatchSlots < 1
                || floodEvictions < 1
                || maxBatchPackets < 1) {
            throw new IllegalArgumentException(
                    "limits must be >= 1: "
                            + maxConnections
                            + ", "
                            + maxExpectations
                            + ", "
                            + earlyDropScan
                            + ", "
                            + maxMatchSlots
                            + ", "
                            + floodEvictions
                            + ", "
                            + maxBatchPackets);
        }
        if (alertIntervalMicros < 1) {
            throw new IllegalArgumentException(
                    "alert interval must be > 0: " + alertIntervalMicros);
        }
    }

    /** The kernel's default {@code nf_conntrack_expect_max} for a table of this size. */
    public static int kernelExpectMax(int maxConnections) {
        return Math.max(128, maxConnections / 256);
    }

    /** The defaults: 65,536 connections per task and the kernel's expectation cap for it. */
    public static LimitsConfig defaults() {
        return builder().build();
    }

    /** A builder at the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .maxConnections(maxConnections)
                .maxExpectations(maxExpectations)
                .earlyDropScan(earlyDropScan)
                .maxMatchSlots(maxMatchSlots)
                .floodEvictions(floodEvictions)
                .alertIntervalMicros(alertIntervalMicros)
                .maxBatchPackets(maxBatchPackets);
    }

    /**
     * Builder starting at the defaults. Unless {@link #maxExpectations} is set, the expectation cap
     * follows the connection cap as the kernel's does ({@link #kernelExpectMax}).
     */
    public static final class Builder {
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Integer maxExpectations;
        private int earlyDropScan = 64;
        private int maxMatchSlots = 65536;
        private int floodEvictions = 64;
        private long alertIntervalMicros = Duration.ofSeconds(10).toNanos() / 1000;
        private int maxBatchPackets = DEFAULT_MAX_BATCH_PACKETS;

        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        public Builder maxExpectations(int v) {
            maxExpectations = v;
            return this;
        }

        public Builder earlyDropScan(int v) {
            earlyDropScan = v;
            return this;
        }

        public Builder maxMatchSlots(int v) {
            maxMatchSlots = v;
            return this;
        }

        public Builder floodEvictions(int v) {
            floodEvictions = v;
            return this;
        }

        public Builder alertIntervalMicros(long v) {
            alertIntervalMicros = v;
            return this;
        }

        public Builder maxBatchPackets(int v) {
            maxBatchPackets = v;
            return this;
        }

        public LimitsConfig build() {
            return new LimitsConfig(
                    maxConnections,
                    maxExpectations == null ? kernelExpectMax(maxConnections) : maxExpectations,
                    earlyDropScan,
                    maxMatchSlots,
                    floodEvictions,
                    alertIntervalMicros,
                    maxBatchPackets);
        }
    }
}
