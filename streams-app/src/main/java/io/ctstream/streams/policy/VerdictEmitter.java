package io.ctstream.streams.policy;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads expectation lifecycle events or alerts back from their topics and writes the verdicts the
 * policy gives for them to the verdicts topic, keyed by gateway id: the REVOKEs of the ends the
 * matcher decides (EVICTED, EXPIRED, MASTER_DESTROYED, a refusal of a full matcher table) and the
 * BLOCKs of alerts. CREATED is left alone: its ALLOWs were already written by the tracker in the
 * transaction that created the expectation ({@link PinholeVerdicts}), two exactly-once hops sooner.
 * No state: each input record gives its verdicts on its own, and exactly-once v2 commits them with
 * the input offset, so a verdict is written once per input event (and a reprocessed input gives the
 * same verdict ids).
 *
 * <p>The record timestamp of a verdict is the wall clock at issue (its expiry is wall clock too):
 * the verdicts topic is kept by time, and an event time from a replayed capture could make the
 * broker delete verdicts that are still in force.
 */
public final class VerdictEmitter implements Processor<String, Object, String, Verdict> {
    private static final Logger LOG = LoggerFactory.getLogger(VerdictEmitter.class);

    private final PolicyEvaluator evaluator;
    private final VerdictPolicy policy;
    private final MeterRegistry meters;
    private ProcessorContext<String, Verdict> context;

    public VerdictEmitter(PolicyEvaluator evaluator, VerdictPolicy policy, MeterRegistry meters) {
        this.evaluator = evaluator;
        this.policy = policy;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, Verdict> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Object> record) {
        Object value = record.value();
        PolicyEvaluator.Evaluation result;
        if (value instanceof ExpectationEvent e) {
            if (e.getType() == ExpectationEventType.CREATED) {
                return; // its ALLOWs are the tracker's (PinholeVerdicts): one verdict per id, never
                // two
            }
            result = evaluator.onExpectation(e);
        } else if (value instanceof Alert a) {
            result = evaluator.onAlert(a);
        } else {
            meters.counter("ctstream.policy.skipped", "reason", "unexpected-value").increment();
            LOG.warn(
                    "policy: ignoring a record with key {} that is neither an expectation nor an alert: {}",
                    record.key(),
                    value == null ? "null" : value.getClass().getName());
            return;
        }
        VerdictRecords.of(result, record.key(), policy, meters).forEach(context::forward);
    }
}
