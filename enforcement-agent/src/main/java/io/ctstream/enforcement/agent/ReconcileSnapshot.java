package io.ctstream.enforcement.agent;

import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.nft.NftElement;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the reconciler read from Kafka, already checked: the verdicts this gateway handled (from
 * reports signed with its key) and the authentic verdicts for it, in log order. {@link
 * ReconcilePlan#compute} turns it into nft changes without touching Kafka or nft, so the decision
 * is testable on its own.
 *
 * @param handled ids of the verdicts a signed report says this gateway consumed
 * @param appliedAt when each handled verdict was APPLIED (first signed report; absent when refused
 *     or failed)
 * @param verdicts authentic verdicts for this gateway, first copy of each id, in log order
 * @param complete whether both topics were read to their end within the budget
 */
record ReconcileSnapshot(
        Set<String> handled,
        Map<String, Long> appliedAt,
        List<SnapshotVerdict> verdicts,
        boolean complete) {

    ReconcileSnapshot {
        handled = Set.copyOf(handled);
        appliedAt = Map.copyOf(appliedAt);
        verdicts = List.copyOf(verdicts);
    }

    /**
     * One authentic verdict as the gate sees it.
     *
     * @param elements the elements it changes; empty when the gate refuses its shape (it changed
     *     nothing)
     * @param shapeAccepted whether the gate accepts its shape (scope, breadth, well-formedness)
     */
    record SnapshotVerdict(
            String verdictId,
            VerdictAction action,
            long expiresAtMicros,
            long ttlSeconds,
            List<NftElement> elements,
            boolean shapeAccepted) {
        SnapshotVerdict {
            elements = List.copyOf(elements);
        }
    }
}
