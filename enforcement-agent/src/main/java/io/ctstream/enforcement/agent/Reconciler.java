package io.ctstream.enforcement.agent;

import io.ctstream.avro.EnforcementOutcome;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.enforcement.gate.GateDecision;
import io.ctstream.enforcement.gate.ReplayMemory;
import io.ctstream.enforcement.gate.VerdictGate;
import io.ctstream.enforcement.nft.NftChange;
import io.ctstream.enforcement.nft.NftCommands;
import io.ctstream.enforcement.nft.NftException;
import io.ctstream.enforcement.nft.NftExecutor;
import io.ctstream.enforcement.nft.NftState;
import io.ctstream.enforcement.nft.NftStateParser;
import io.ctstream.enforcement.nft.TableOwnership;
import io.ctstream.verdict.ReportSigner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the agent's table in line with the verdicts still in force, before the agent consumes
 * anything new, so a restart neither loses nor duplicates an element:
 *
 * <ol>
 *   <li>Refuses a table of the configured name that this agent did not create ({@link
 *       TableOwnership}).
 *   <li>Reads the reports topic (read_committed): which verdicts this gateway already handled, and
 *       when each APPLIED one was applied. Reports and consumer offsets are committed in one Kafka
 *       transaction, so "has a report" is exactly "was consumed". Only reports signed with the
 *       gateway's key count ({@link ReportSigner}); others are skipped and counted: a forged report
 *       can neither restore a pinhole nor make a genuine verdict look handled (and be refused as a
 *       replay).
 *   <li>Reads the verdicts topic (read_committed). For each element, the last APPLIED verdict
 *       touching it (in log order; the first occurrence of a verdict id counts, later copies were
 *       refused as replays) decides: ALLOW or BLOCK with time left keeps it with that remaining
 *       timeout; REVOKE or time up removes it. Time left runs to applied at + TTL, where applied at
 *       is taken as no later than the verdict's signed {@code expiresAtMicros} plus the clock skew
 *       (the last moment the gate accepts it): no report can stretch a verdict's life past that.
 *       Verdicts without a report are still to be consumed: their elements are left as they are
 *       (the main loop applies them next).
 *   <li>Lists the table and writes one nft transaction (with the table setup) that adds or
 *       refreshes every element in force and removes every other element.
 *   <li>Refills the replay memory with the id of every handled verdict.
 * </ol>
 *
 * Both reads are bounded: they start at the records written {@code maxTtl + clockSkew + }{@link
 * #LOOKBACK_MARGIN} ago (nothing older can be in force), skip undecodable records at the cost of
 * one decode each, and stop at the snapshot budget. A read cut short removes nothing from the table
 * (what it did not read may be in force); the agent goes on and logs it, instead of failing and
 * being restarted into the same read.
 */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    /** Added to the longest TTL when choosing where to start reading: clocks and commits lag. */
    static final Duration LOOKBACK_MARGIN = Duration.ofMinutes(10);

    private final EnforcementAgentConfig config;
    private final VerdictGate gate;
    private final ReplayMemory replays;
    private final NftExecutor nft;
    private final NftCommands commands;
    private final EnforcementMetrics metrics;

    Reconciler(
            EnforcementAgentConfig config,
            VerdictGate gate,
            ReplayMemory replays,
            NftExecutor nft,
            NftCommands commands,
            EnforcementMetrics metrics) {
        this.config = config;
        this.gate = gate;
        this.replays = replays;
        this.nft = nft;
        this.commands = commands;
        this.metrics = metrics;
    }

    /** What reconciling found and did. */
    record Result(
            int inForce,
            int added,
            int removed,
            int pendingVerdicts,
            int handledVerdicts,
            boolean complete) {}

    /** Read, compute, apply: only the first and last touch Kafka and nft. */
    Result reconcile(SchemaIdGuard<EnforcementReport> reports, SchemaIdGuard<Verdict> verdicts)
            throws NftException {
        // before reading anything: a table of that name that ctstream did not create is refused,
        // never flushed
        TableOwnership.check(nft, config.ruleset());
        ReconcileSnapshot snapshot = read(reports, verdicts);
        NftState current = NftStateParser.parse(nft.listTableJson(config.ruleset().table()));
        long now = config.clockMicros().getAsLong();
        ReconcilePlan plan = ReconcilePlan.compute(snapshot, current, now, skewMicros());
        return apply(snapshot, plan, now);
    }

    private long skewMicros() {
        return config.limits().clockSkew().toNanos() / 1000;
    }

    /**
     * Reads the reports and verdicts topics (bounded), keeping signed reports and authentic
     * verdicts of this gateway.
     */
    ReconcileSnapshot read(
            SchemaIdGuard<EnforcementReport> reports, SchemaIdGuard<Verdict> verdicts) {
        String gw = config.gatewayId();
        Properties kafka = config.kafka();
        Set<String> handled = new HashSet<>();
        Map<String, Long> appliedAt = new HashMap<>();
        ReportSigner signer = new ReportSigner(config.keyring());
        long[] unverified = {0};
        long nowMillis =
                Math.min(config.clockMicros().getAsLong() / 1000, System.currentTimeMillis());
        long since =
                nowMillis
                        - config.limits().longestTtlSeconds() * 1000L
                        - config.limits().clockSkew().toMillis()
                        - LOOKBACK_MARGIN.toMillis();
        TopicSnapshotReader.Result reportsRead =
                TopicSnapshotReader.read(
                        kafka,
                        config.reportsTopic(),
                        reports,
                        since,
                        config.snapshotBudget(),
                        (r, offset) -> {
                            EnforcementReport rep = r.value();
                            if (rep == null || !gw.equals(rep.getGatewayId())) {
                                return;
                            }
                            if (!signer.verify(rep)) {
                                unverified[
                                        0]++; // forged, or written before reports were signed: not
                                // evidence of anything
                                return;
                            }
                            handled.add(rep.getVerdictId());
                            if (rep.getOutcome() == EnforcementOutcome.APPLIED
                                    && !rep.getDryRun()) {
                                appliedAt.putIfAbsent(
                                        rep.getVerdictId(), rep.getReportedAtMicros());
                            }
                        });

        List<ReconcileSnapshot.SnapshotVerdict> read = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        TopicSnapshotReader.Result verdictsRead =
                TopicSnapshotReader.read(
                        kafka,
                        config.verdictsTopic(),
                        verdicts,
                        since,
                        config.snapshotBudget(),
                        (r, offset) -> {
                            Verdict v = r.value();
                            if (v == null || !gw.equals(v.getGatewayId())) {
                                return; // not ours
                            }
                            if (!gate.checkAuthentic(v).accepted()) {
                                return; // was refused when it came; and a forgery must not shadow
                                // the genuine verdict of its id
                            }
                            if (!seen.add(v.getVerdictId())) {
                                return; // a later copy of a verdict id: refused as a replay when it
                                // came
                            }
                            GateDecision shape = gate.checkShape(v);
                            read.add(
                                    new ReconcileSnapshot.SnapshotVerdict(
                                            v.getVerdictId(),
                                            v.getAction(),
                                            v.getExpiresAtMicros(),
                                            v.getTtlSeconds(),
                                            shape.accepted() ? shape.elements() : List.of(),
                                            shape.accepted()));
                        });
        metrics.snapshotSkipped("reports", "unverified", unverified[0]);
        metrics.snapshotSkipped("reports", "undecodable", reportsRead.undecodable());
        metrics.snapshotSkipped("verdicts", "undecodable", verdictsRead.undecodable());
        boolean complete = reportsRead.complete() && verdictsRead.complete();
        if (!complete) {
            metrics.snapshotSkipped(
                    reportsRead.complete() ? "verdicts" : "reports", "incomplete", 1);
            LOG.error(
                    "gateway {}: could not read the verdicts and reports within {}; restoring what was read and "
                            + "removing nothing",
                    gw,
                    config.snapshotBudget());
        }
        if (unverified[0] > 0) {
            LOG.warn(
                    "gateway {}: {} reports without a valid signature ignored (forged, or from before reports were "
                            + "signed)",
                    gw,
                    unverified[0]);
        }
        return new ReconcileSnapshot(handled, appliedAt, read, complete);
    }

    /**
     * Writes the plan in one nft transaction with the table setup (element by element if that
     * fails), fills the replay memory.
     */
    Result apply(ReconcileSnapshot snapshot, ReconcilePlan plan, long nowMicros)
            throws NftException {
        plan.remember().forEach((id, until) -> replays.remember(id, until, nowMicros));
        String setup = config.ruleset().setupScript();
        try {
            nft.apply(setup + commands.script(plan.changes()));
        } catch (NftException e) {
            // one bad element must not keep the rest out: set up, then change one by one
            LOG.warn(
                    "reconciling in one transaction failed ({}); applying element by element",
                    e.getMessage());
            nft.apply(setup);
            for (NftChange c : plan.changes()) {
                try {
                    nft.apply(commands.script(List.of(c)));
                } catch (NftException one) {
                    LOG.error("reconcile: could not apply {}: {}", c, one.getMessage());
                }
            }
        }
        metrics.reconciled("added", plan.added());
        metrics.reconciled("removed", plan.removed());
        Result result =
                new Result(
                        plan.inForce().size(),
                        plan.added(),
                        plan.removed(),
                        plan.pendingVerdicts(),
                        snapshot.handled().size(),
                        snapshot.complete());
        LOG.info(
                "gateway {}: reconciled table inet {}: {} elements in force ({} added, {} removed), "
                        + "{} handled verdicts, {} still to apply",
                config.gatewayId(),
                config.ruleset().table(),
                result.inForce(),
                result.added(),
                result.removed(),
                result.handledVerdicts(),
                result.pendingVerdicts());
        return result;
    }
}
