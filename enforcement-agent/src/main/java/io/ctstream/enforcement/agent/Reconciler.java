package io.ctstream.enforcement.agent;

import io.ctstream.avro.EnforcementOutcome;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.gate.GateDecision;
import io.ctstream.enforcement.gate.ReplayMemory;
import io.ctstream.enforcement.gate.VerdictGate;
import io.ctstream.enforcement.nft.NftChange;
import io.ctstream.enforcement.nft.NftCommands;
import io.ctstream.enforcement.nft.NftElement;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the agent's table in line with the verdicts still in force, before the agent consumes
 * anything new, so a restart neither loses nor duplicates an element:
 * <ol>
 *   <li>Refuses a table of the configured name that this agent did not create ({@link TableOwnership}).</li>
 *   <li>Reads the reports topic (read_committed): which verdicts this gateway already handled, and
 *       when each APPLIED one was applied. Reports and consumer offsets are committed in one Kafka
 *       transaction, so "has a report" is exactly "was consumed". Only reports signed with the gateway's
 *       key count ({@link ReportSigner}); others are skipped and counted: a forged report can neither
 *       restore a pinhole nor make a genuine verdict look handled (and be refused as a replay).</li>
 *   <li>Reads the verdicts topic (read_committed). For each element, the last
 *       APPLIED verdict touching it (in log order; the first occurrence of a verdict id counts, later
 *       copies were refused as replays) decides: ALLOW or BLOCK with time left keeps it with that
 *       remaining timeout; REVOKE or time up removes it. Time left runs to applied at + TTL, where applied at is
 *       taken as no later than the verdict's signed {@code expiresAtMicros} plus the clock skew (the last moment
 *       the gate accepts it): no report can stretch a verdict's life past that. Verdicts without a report are
 *       still to be consumed: their elements are left as they are (the main loop applies them next).</li>
 *   <li>Lists the table and writes one nft transaction (with the table setup) that adds or refreshes
 *       every element in force and removes every other element.</li>
 *   <li>Refills the replay memory with the id of every handled verdict.</li>
 * </ol>
 * Both reads are bounded: they start at the records written {@code maxTtl + clockSkew + }{@link #LOOKBACK_MARGIN}
 * ago (nothing older can be in force), skip undecodable records at the cost of one decode each, and stop at the
 * snapshot budget. A read cut short removes nothing from the table (what it did not read may be in force); the
 * agent goes on and logs it, instead of failing and being restarted into the same read.
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

    Reconciler(EnforcementAgentConfig config, VerdictGate gate, ReplayMemory replays, NftExecutor nft,
               NftCommands commands, EnforcementMetrics metrics) {
        this.config = config;
        this.gate = gate;
        this.replays = replays;
        this.nft = nft;
        this.commands = commands;
        this.metrics = metrics;
    }

    /** What reconciling found and did. */
    record Result(int inForce, int added, int removed, int pendingVerdicts, int handledVerdicts, boolean complete) {
    }

    private record InForce(VerdictAction action, long deadlineMicros) {
    }

    Result reconcile(SchemaIdGuard<EnforcementReport> reports, SchemaIdGuard<Verdict> verdicts) throws NftException {
        String gw = config.gatewayId();
        // before reading anything: a table of that name that ctstream did not create is refused, never flushed
        TableOwnership.check(nft, config.ruleset());
        Properties kafka = config.kafka();
        Set<String> handled = new HashSet<>();
        Map<String, Long> appliedAt = new HashMap<>();
        ReportSigner signer = new ReportSigner(config.keyring());
        long[] unverified = {0};
        long nowMillis = Math.min(config.clockMicros().getAsLong() / 1000, System.currentTimeMillis());
        long since = nowMillis - config.limits().maxTtlSeconds() * 1000L - config.limits().clockSkew().toMillis()
                - LOOKBACK_MARGIN.toMillis();
        TopicSnapshotReader.Result reportsRead = TopicSnapshotReader.read(kafka, config.reportsTopic(), reports, since,
                config.snapshotBudget(), (r, offset) -> {
            EnforcementReport rep = r.value();
            if (rep == null || !gw.equals(rep.getGatewayId())) {
                return;
            }
            if (!signer.verify(rep)) {
                unverified[0]++; // forged, or written before reports were signed: not evidence of anything
                return;
            }
            handled.add(rep.getVerdictId());
            if (rep.getOutcome() == EnforcementOutcome.APPLIED && !rep.getDryRun()) {
                appliedAt.putIfAbsent(rep.getVerdictId(), rep.getReportedAtMicros());
            }
        });

        long now = config.clockMicros().getAsLong();
        long skew = config.limits().clockSkew().toNanos() / 1000;
        Map<NftElement, InForce> last = new LinkedHashMap<>();
        Set<NftElement> pending = new HashSet<>();
        Set<String> counted = new HashSet<>();
        int[] pendingCount = {0};
        TopicSnapshotReader.Result verdictsRead = TopicSnapshotReader.read(kafka, config.verdictsTopic(), verdicts, since,
                config.snapshotBudget(), (r, offset) -> {
            Verdict v = r.value();
            if (v == null || !gw.equals(v.getGatewayId())) {
                return; // not ours
            }
            GateDecision authentic = gate.checkAuthentic(v);
            if (!authentic.accepted()) {
                return; // was refused when it came; and a forgery must not shadow the genuine verdict of its id
            }
            if (!counted.add(v.getVerdictId())) {
                return; // a later copy of a verdict id: refused as a replay when it came
            }
            if (handled.contains(v.getVerdictId())) {
                replays.remember(v.getVerdictId(), v.getExpiresAtMicros() + skew, now);
            }
            GateDecision shape = gate.checkShape(v);
            if (!shape.accepted()) {
                return;
            }
            if (!handled.contains(v.getVerdictId())) {
                pendingCount[0]++;
                pending.addAll(shape.elements());
                return;
            }
            Long at = appliedAt.get(v.getVerdictId());
            if (at == null) {
                return; // refused or failed: changed nothing
            }
            // applied at + TTL, where "applied at" is at most the signed expiry plus the skew (the gate refuses a
            // verdict after that): whatever a report says, a verdict's life ends by expiresAt + skew + TTL
            long deadline = Math.min(at, v.getExpiresAtMicros() + skew) + v.getTtlSeconds() * 1_000_000L;
            for (NftElement e : shape.elements()) {
                last.put(e, new InForce(v.getAction(), deadline));
            }
        });

        Map<NftElement, Long> desired = new LinkedHashMap<>();
        last.forEach((e, f) -> {
            long leftMillis = (f.deadlineMicros - now) / 1000;
            if (f.action != VerdictAction.REVOKE && leftMillis > 0) {
                desired.put(e, leftMillis);
            }
        });
        metrics.snapshotSkipped("reports", "unverified", unverified[0]);
        metrics.snapshotSkipped("reports", "undecodable", reportsRead.undecodable());
        metrics.snapshotSkipped("verdicts", "undecodable", verdictsRead.undecodable());
        boolean complete = reportsRead.complete() && verdictsRead.complete();
        if (!complete) {
            metrics.snapshotSkipped(reportsRead.complete() ? "verdicts" : "reports", "incomplete", 1);
            LOG.error("gateway {}: could not read the verdicts and reports within {}; restoring what was read and "
                    + "removing nothing", gw, config.snapshotBudget());
        }
        if (unverified[0] > 0) {
            LOG.warn("gateway {}: {} reports without a valid signature ignored (forged, or from before reports were "
                    + "signed)", gw, unverified[0]);
        }
        NftState current = NftStateParser.parse(nft.listTableJson(config.ruleset().table()));
        List<NftChange> changes = new ArrayList<>();
        int removed = 0;
        for (NftElement e : current.expiresSeconds().keySet()) {
            if (complete && !desired.containsKey(e) && !pending.contains(e)) {
                changes.add(new NftChange.Remove(e));
                removed++;
            }
        }
        int added = 0;
        for (Map.Entry<NftElement, Long> d : desired.entrySet()) {
            if (!current.contains(d.getKey())) {
                added++;
            }
            changes.add(new NftChange.Add(d.getKey(), d.getValue()));
        }
        String setup = config.ruleset().setupScript();
        try {
            nft.apply(setup + commands.script(changes));
        } catch (NftException e) {
            // one bad element must not keep the rest out: set up, then change one by one
            LOG.warn("reconciling in one transaction failed ({}); applying element by element", e.getMessage());
            nft.apply(setup);
            for (NftChange c : changes) {
                try {
                    nft.apply(commands.script(List.of(c)));
                } catch (NftException one) {
                    LOG.error("reconcile: could not apply {}: {}", c, one.getMessage());
                }
            }
        }
        metrics.reconciled("added", added);
        metrics.reconciled("removed", removed);
        Result result = new Result(desired.size(), added, removed, pendingCount[0], handled.size(), complete);
        LOG.info("gateway {}: reconciled table inet {}: {} elements in force ({} added, {} removed), "
                        + "{} handled verdicts, {} still to apply",
                gw, config.ruleset().table(), result.inForce(), added, removed, handled.size(), pendingCount[0]);
        return result;
    }
}
