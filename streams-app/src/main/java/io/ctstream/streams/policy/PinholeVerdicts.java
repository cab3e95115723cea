package io.ctstream.streams.policy;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The ALLOW verdicts of a pinhole, decided where the expectation is created: in the tracker's task,
 * in the transaction that writes the CREATED expectation to the matcher. A data connection's first
 * SYN must find its pinhole open; decided here, the ALLOW is visible to the enforcement agents at
 * the tracker's next commit, instead of after two more exactly-once hops (ct-match → matcher →
 * expectations → verdict processor → verdicts), each of which waits for its own commit.
 *
 * <p>Same verdicts as the {@link VerdictEmitter} gave from the expectations topic: the same pure
 * {@link PolicyEvaluator} (so the same deterministic ids {@code <expectation id>/allow/<gateway>},
 * the same gateways, match, TTL and signature), keyed by gateway, the record timestamp the wall
 * clock at issue. The emitter now leaves CREATED alone; the ends the matcher decides (EVICTED,
 * EXPIRED, MASTER_DESTROYED, and a refusal of a table that is full) still give their REVOKEs there.
 * A REVOKE can never overtake its ALLOW in a gateway's partition: the matcher only learns of the
 * expectation from the tracker's transaction that also wrote the ALLOW, so the ALLOW is in the log
 * before that transaction commits and the REVOKE is written after it.
 *
 * <p>With {@link #commitAtOnce()} the tracker also requests a commit ({@code
 * ProcessorContext.commit()}) after writing an ALLOW: Kafka Streams then commits when the current
 * batch of records is processed, rather than when {@code commit.interval.ms} has passed since the
 * last commit, so the pinhole's delay no longer depends on the commit interval, which stays tuned
 * for throughput. Pinholes are rare next to packets, so the extra commits cost little (measured in
 * bench/README.md).
 *
 * <p>Stateless and thread-safe (the signer makes a MAC per verdict); one instance serves every
 * task.
 */
public final class PinholeVerdicts {
    private final PolicyEvaluator evaluator;
    private final VerdictPolicy policy;
    private final MeterRegistry meters;
    private final boolean commitAtOnce;
    private final TentativePinholes tentative; // null: none

    public PinholeVerdicts(PolicyEvaluator evaluator, VerdictPolicy policy, MeterRegistry meters) {
        this(evaluator, policy, meters, true);
    }

    public PinholeVerdicts(
            PolicyEvaluator evaluator,
            VerdictPolicy policy,
            MeterRegistry meters,
            boolean commitAtOnce) {
        this(evaluator, policy, meters, commitAtOnce, null);
    }

    /**
     * With {@code tentative}, each ALLOW is also published at once as a tentative copy ({@link
     * TentativePinholes}).
     */
    public PinholeVerdicts(
            PolicyEvaluator evaluator,
            VerdictPolicy policy,
            MeterRegistry meters,
            boolean commitAtOnce,
            TentativePinholes tentative) {
        this.evaluator = evaluator;
        this.policy = policy;
        this.meters = meters;
        this.commitAtOnce = commitAtOnce;
        this.tentative = tentative;
    }

    /** The tentative copies of ALLOWs just written, when this instance publishes them. */
    public void publishTentative(List<Record<String, Verdict>> allows) {
        if (tentative != null && !allows.isEmpty()) {
            tentative.publish(allows);
        }
    }

    /** Whether the task should commit as soon as it has written an ALLOW. */
    public boolean commitAtOnce() {
        return commitAtOnce;
    }

    /**
     * The signed ALLOW records (key = gateway id) for an expectation just CREATED: one per gateway
     * that sees it and allows its helper, none when the policy says nothing (counted in {@code
     * ctstream.policy.skipped}).
     *
     * @throws IllegalArgumentException for any other event type: only a creation opens a pinhole
     */
    public List<Record<String, Verdict>> onCreated(ExpectationEvent created) {
        if (created.getType() != ExpectationEventType.CREATED) {
            throw new IllegalArgumentException(
                    "only a CREATED expectation opens a pinhole, got "
                            + created.getType()
                            + " for "
                            + created.getExpectationId());
        }
        return VerdictRecords.of(
                evaluator.onExpectation(created), created.getExpectationId(), policy, meters);
    }
}
