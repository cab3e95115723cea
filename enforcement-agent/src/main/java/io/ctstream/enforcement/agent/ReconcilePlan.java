package io.ctstream.enforcement.agent;

import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.nft.NftChange;
import io.ctstream.enforcement.nft.NftElement;
import io.ctstream.enforcement.nft.NftState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reconciler's decision, computed from what it read and what the table holds; a pure function,
 * no Kafka, no nft.
 *
 * @param changes the nft changes to make, removals first
 * @param inForce the elements that stay, with the milliseconds each has left
 * @param added elements in force that the table lacks
 * @param removed elements the table holds that are no longer in force
 * @param pendingVerdicts authentic verdicts without a report: the main loop applies them next
 * @param remember handled verdict ids for the replay memory, with when each may be forgotten (µs)
 */
record ReconcilePlan(
        List<NftChange> changes,
        Map<NftElement, Long> inForce,
        int added,
        int removed,
        int pendingVerdicts,
        Map<String, Long> remember) {

    private record Last(VerdictAction action, long deadlineMicros) {}

    /**
     * For each element, the last APPLIED verdict touching it (in log order) decides: ALLOW or BLOCK
     * with time left keeps it with that remaining time; REVOKE or time up removes it. Time left
     * runs to applied at + TTL, where applied at is taken as no later than the verdict's signed
     * expiry plus the clock skew (the last moment the gate accepts it): no report can stretch a
     * verdict's life past that. Elements of verdicts still to be consumed are left as they are, and
     * an incomplete snapshot removes nothing (what was not read may be in force).
     */
    static ReconcilePlan compute(
            ReconcileSnapshot snapshot, NftState current, long nowMicros, long skewMicros) {
        Map<NftElement, Last> last = new LinkedHashMap<>();
        Set<NftElement> pending = new HashSet<>();
        Map<String, Long> remember = new LinkedHashMap<>();
        int pendingCount = 0;
        for (ReconcileSnapshot.SnapshotVerdict v : snapshot.verdicts()) {
            boolean handled = snapshot.handled().contains(v.verdictId());
            if (handled) {
                remember.put(v.verdictId(), v.expiresAtMicros() + skewMicros);
            }
            if (!v.shapeAccepted()) {
                continue;
            }
            if (!handled) {
                pendingCount++;
                pending.addAll(v.elements());
                continue;
            }
            Long at = snapshot.appliedAt().get(v.verdictId());
            if (at == null) {
                continue; // refused or failed: changed nothing
            }
            long deadline =
                    Math.min(at, v.expiresAtMicros() + skewMicros) + v.ttlSeconds() * 1_000_000L;
            for (NftElement e : v.elements()) {
                last.put(e, new Last(v.action(), deadline));
            }
        }
        Map<NftElement, Long> inForce = new LinkedHashMap<>();
        last.forEach(
                (e, f) -> {
                    long leftMillis = (f.deadlineMicros() - nowMicros) / 1000;
                    if (f.action() != VerdictAction.REVOKE && leftMillis > 0) {
                        inForce.put(e, leftMillis);
                    }
                });
        List<NftChange> changes = new ArrayList<>();
        int removed = 0;
        for (NftElement e : current.expiresSeconds().keySet()) {
            if (snapshot.complete() && !inForce.containsKey(e) && !pending.contains(e)) {
                changes.add(new NftChange.Remove(e));
                removed++;
            }
        }
        int added = 0;
        for (Map.Entry<NftElement, Long> d : inForce.entrySet()) {
            if (!current.contains(d.getKey())) {
                added++;
            }
            changes.add(new NftChange.Add(d.getKey(), d.getValue()));
        }
        return new ReconcilePlan(
                List.copyOf(changes),
                Map.copyOf(inForce),
                added,
                removed,
                pendingCount,
                Map.copyOf(remember));
    }
}
