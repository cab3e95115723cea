package io.ctstream.enforcement.agent;

import io.ctstream.avro.EnforcementOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The agent's meters, tagged with the gateway id:
 *
 * <ul>
 *   <li>{@code ctstream.enforcement.verdicts{action}} — verdicts of this gateway received;
 *   <li>{@code ctstream.enforcement.outcomes{outcome, reason}} — APPLIED / FAILED / REFUSED, with
 *       the stable refusal reason ({@code none} when applied, {@code nft} when nft failed);
 *   <li>{@code ctstream.enforcement.apply.latency} — from receiving a verdict to nft returning;
 *   <li>{@code ctstream.enforcement.pinhole.delay} — time to pinhole: from the verdict's {@code
 *       issuedAtMicros} (the time of the expectation it answers) to its ALLOW element being in the
 *       table;
 *   <li>{@code ctstream.enforcement.verdict.to.element} — the agent's part of the time to pinhole:
 *       from the verdict record's timestamp (streams-app issued it) to its ALLOW or BLOCK element
 *       in the table, with the wait for the issuing transaction's commit, the fetch and nft
 *       (histogram, and p50/p99 computed here);
 *   <li>{@code ctstream.enforcement.ignored} — records for other gateways;
 *   <li>{@code ctstream.enforcement.reconcile.changes{change}} — elements added/removed when
 *       reconciling.
 * </ul>
 */
public final class EnforcementMetrics {
    private final MeterRegistry registry;
    private final String gatewayId;
    private final Timer latency;
    private final Counter ignored;
    private final Timer pinholeDelay;
    private final Timer verdictToElement;

    public EnforcementMetrics(MeterRegistry registry, String gatewayId) {
        this.registry = registry;
        this.gatewayId = gatewayId;
        this.latency =
                Timer.builder("ctstream.enforcement.apply.latency")
                        .tag("gateway", gatewayId)
                        .description("From receiving a verdict to nft returning")
                        .publishPercentileHistogram()
                        .register(registry);
        // Replayed captures carry old event times: the histogram's range stops at an hour, later
        // ones go to +Inf.
        this.pinholeDelay =
                Timer.builder("ctstream.enforcement.pinhole.delay")
                        .tag("gateway", gatewayId)
                        .description(
                                "From the verdict's issue time (its expectation's event time) to the ALLOW applied")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofHours(1))
                        .register(registry);
        // Prometheus aggregates the buckets (histogram_quantile); the two precomputed percentiles
        // are for the
        // agent's own summary and registries without histograms.
        this.verdictToElement =
                Timer.builder("ctstream.enforcement.verdict.to.element")
                        .tag("gateway", gatewayId)
                        .description(
                                "From the verdict's issue (record timestamp) to its element in the nft table")
                        .publishPercentileHistogram()
                        .publishPercentiles(0.5, 0.99)
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(10))
                        .register(registry);
        this.ignored =
                Counter.builder("ctstream.enforcement.ignored")
                        .tag("gateway", gatewayId)
                        .description("Verdict records for other gateways")
                        .register(registry);
    }

    public void verdict(String action) {
        registry.counter("ctstream.enforcement.verdicts", "gateway", gatewayId, "action", action)
                .increment();
    }

    /**
     * A verdict signed with a scoped (operator) key, by action and key id: the operator actions
     * panel.
     */
    public void operatorVerdict(String action, String keyId) {
        registry.counter(
                        "ctstream.enforcement.operator.verdicts",
                        "gateway",
                        gatewayId,
                        "action",
                        action,
                        "key",
                        keyId)
                .increment();
    }

    public void outcome(EnforcementOutcome outcome, String reason) {
        registry.counter(
                        "ctstream.enforcement.outcomes",
                        "gateway",
                        gatewayId,
                        "outcome",
                        outcome.name(),
                        "reason",
                        reason == null ? "none" : reason)
                .increment();
    }

    public void latencyMicros(long micros) {
        latency.record(micros, TimeUnit.MICROSECONDS);
    }

    /** An ALLOW issued at {@code issuedAtMicros} is in the table at {@code appliedAtMicros}. */
    public void pinholeOpened(long issuedAtMicros, long appliedAtMicros) {
        pinholeDelay.record(Math.max(0, appliedAtMicros - issuedAtMicros), TimeUnit.MICROSECONDS);
    }

    /** An ALLOW or BLOCK issued {@code micros} ago is in the table now. */
    public void verdictToElement(long micros) {
        verdictToElement.record(micros, TimeUnit.MICROSECONDS);
    }

    /** The verdict → element timer (tests, summaries). */
    public Timer verdictToElementTimer() {
        return verdictToElement;
    }

    public void ignored() {
        ignored.increment();
    }

    /**
     * Records reconciliation skipped: {@code undecodable} junk, {@code unverified} reports, an
     * {@code incomplete} read.
     */
    public void snapshotSkipped(String topic, String why, long n) {
        registry.counter(
                        "ctstream.enforcement.reconcile.skipped",
                        "gateway",
                        gatewayId,
                        "topic",
                        topic,
                        "why",
                        why)
                .increment(n);
    }

    /**
     * A BLOCK that nft could not apply, even after retries: traffic that should be dropped is not.
     */
    public void blockFailed() {
        registry.counter("ctstream.enforcement.block.failed", "gateway", gatewayId).increment();
    }

    /** An nft change retried after a failure. */
    public void nftRetry() {
        registry.counter("ctstream.enforcement.nft.retries", "gateway", gatewayId).increment();
    }

    public void reconciled(String change, int n) {
        registry.counter(
                        "ctstream.enforcement.reconcile.changes",
                        "gateway",
                        gatewayId,
                        "change",
                        change)
                .increment(n);
    }

    /** How many outcomes of this kind and reason were counted (tests, summaries). */
    public double count(EnforcementOutcome outcome, String reason) {
        Counter c =
                registry.find("ctstream.enforcement.outcomes")
                        .tags(
                                "gateway",
                                gatewayId,
                                "outcome",
                                outcome.name(),
                                "reason",
                                reason == null ? "none" : reason)
                        .counter();
        return c == null ? 0 : c.count();
    }
}
