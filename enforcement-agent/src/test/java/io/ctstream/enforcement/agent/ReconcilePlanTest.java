package io.ctstream.enforcement.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.agent.ReconcileSnapshot.SnapshotVerdict;
import io.ctstream.enforcement.nft.NftChange;
import io.ctstream.enforcement.nft.NftElement;
import io.ctstream.enforcement.nft.NftSet;
import io.ctstream.enforcement.nft.NftState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's decision alone: what stays, what goes, for how long, from a snapshot and a
 * table.
 */
class ReconcilePlanTest {
    static final long S = 1_000_000L;
    static final long NOW = 1_000_000 * S;
    static final long SKEW = 5 * S;
    static final NftElement A = new NftElement(NftSet.ALLOW4, "10.0.0.1 . 10.0.0.2 . 6 . 2000");
    static final NftElement B = new NftElement(NftSet.BLOCK4_SRC, "203.0.113.9");
    static final NftElement STRAY = new NftElement(NftSet.ALLOW4, "10.9.9.9 . 10.0.0.2 . 6 . 9999");

    static SnapshotVerdict verdict(
            String id, VerdictAction action, long expiresAt, long ttl, NftElement... e) {
        return new SnapshotVerdict(id, action, expiresAt, ttl, List.of(e), true);
    }

    static ReconcileSnapshot snapshot(
            Set<String> handled,
            Map<String, Long> appliedAt,
            boolean complete,
            SnapshotVerdict... v) {
        return new ReconcileSnapshot(handled, appliedAt, List.of(v), complete);
    }

    @Test
    void anAppliedAllowWithTimeLeftStaysWithTheTimeLeftAndAStrayElementGoes() {
        ReconcileSnapshot s =
                snapshot(
                        Set.of("v1"),
                        Map.of("v1", NOW - 100 * S),
                        true,
                        verdict("v1", VerdictAction.ALLOW, NOW, 300, A));
        ReconcilePlan p = ReconcilePlan.compute(s, new NftState(Map.of(STRAY, 10L)), NOW, SKEW);
        assertThat(p.inForce()).containsExactly(Map.entry(A, 200_000L));
        assertThat(p.changes())
                .containsExactly(new NftChange.Remove(STRAY), new NftChange.Add(A, 200_000));
        assertThat(p.added()).isEqualTo(1);
        assertThat(p.removed()).isEqualTo(1);
        assertThat(p.remember()).containsExactly(Map.entry("v1", NOW + SKEW));
    }

    @Test
    void aReportDatedInTheFutureCannotStretchALifePastSignedExpiryPlusTtl() {
        long expires = NOW - 250 * S;
        ReconcileSnapshot s =
                snapshot(
                        Set.of("v1"),
                        Map.of("v1", NOW + 3_600 * S),
                        true,
                        verdict("v1", VerdictAction.ALLOW, expires, 300, A));
        ReconcilePlan p = ReconcilePlan.compute(s, NftState.EMPTY, NOW, SKEW);
        // applied at is taken as at most expires + skew: 300 - 250 + 5 = 55 s left, not an hour
        assertThat(p.inForce()).containsExactly(Map.entry(A, 55_000L));
    }

    @Test
    void theLastVerdictOfAnElementDecidesAndARevokeRemovesIt() {
        ReconcileSnapshot s =
                snapshot(
                        Set.of("v1", "v2"),
                        Map.of("v1", NOW - S, "v2", NOW),
                        true,
                        verdict("v1", VerdictAction.ALLOW, NOW, 300, A),
                        verdict("v2", VerdictAction.REVOKE, NOW, 0, A));
        ReconcilePlan p = ReconcilePlan.compute(s, new NftState(Map.of(A, 299L)), NOW, SKEW);
        assertThat(p.inForce()).isEmpty();
        assertThat(p.changes()).containsExactly(new NftChange.Remove(A));
    }

    @Test
    void timeUpRemovesAndARefusedOrFailedVerdictChangesNothing() {
        ReconcileSnapshot s =
                snapshot(
                        Set.of("old", "refused"),
                        Map.of("old", NOW - 400 * S),
                        true,
                        verdict("old", VerdictAction.BLOCK, NOW, 300, B),
                        verdict("refused", VerdictAction.ALLOW, NOW, 300, A));
        ReconcilePlan p = ReconcilePlan.compute(s, new NftState(Map.of(B, 1L)), NOW, SKEW);
        assertThat(p.inForce()).isEmpty();
        assertThat(p.changes()).containsExactly(new NftChange.Remove(B));
        assertThat(p.remember()).containsOnlyKeys("old", "refused");
    }

    @Test
    void aPendingVerdictKeepsItsElementsAndIsCounted() {
        ReconcileSnapshot s =
                snapshot(Set.of(), Map.of(), true, verdict("p", VerdictAction.ALLOW, NOW, 300, A));
        ReconcilePlan p = ReconcilePlan.compute(s, new NftState(Map.of(A, 100L)), NOW, SKEW);
        assertThat(p.pendingVerdicts()).isEqualTo(1);
        assertThat(p.changes()).isEmpty();
        assertThat(p.remember()).isEmpty();
    }

    @Test
    void anIncompleteSnapshotRemovesNothingButRestoresWhatItRead() {
        ReconcileSnapshot s =
                snapshot(
                        Set.of("v1"),
                        Map.of("v1", NOW),
                        false,
                        verdict("v1", VerdictAction.BLOCK, NOW, 60, B));
        ReconcilePlan p = ReconcilePlan.compute(s, new NftState(Map.of(STRAY, 10L)), NOW, SKEW);
        assertThat(p.changes()).containsExactly(new NftChange.Add(B, 60_000));
        assertThat(p.removed()).isZero();
    }

    @Test
    void aVerdictRefusedForItsShapeIsRememberedButRestoresNothing() {
        SnapshotVerdict overbroad =
                new SnapshotVerdict("wide", VerdictAction.ALLOW, NOW, 300, List.of(), false);
        ReconcileSnapshot s =
                new ReconcileSnapshot(
                        Set.of("wide"), Map.of("wide", NOW), List.of(overbroad), true);
        ReconcilePlan p = ReconcilePlan.compute(s, NftState.EMPTY, NOW, SKEW);
        assertThat(p.inForce()).isEmpty();
        assertThat(p.pendingVerdicts()).isZero();
        assertThat(p.remember()).containsOnlyKeys("wide");
    }
}
