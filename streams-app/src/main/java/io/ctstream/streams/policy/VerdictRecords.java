package io.ctstream.streams.policy;

import io.ctstream.avro.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link PolicyEvaluator.Evaluation} as the records of the verdicts topic, counted the same way
 * wherever verdicts are written ({@link VerdictEmitter}, {@link PinholeVerdicts}): key = gateway
 * id, timestamp = the wall clock at issue (the topic is kept by time, and a replayed capture's
 * event time could make the broker delete verdicts still in force); {@code
 * ctstream.policy.verdicts{action,gateway}} per verdict, {@code ctstream.policy.skipped{reason}}
 * per input that gave none.
 */
final class VerdictRecords {
    private static final Logger LOG = LoggerFactory.getLogger(VerdictRecords.class);

    /** Skips that mean malformed input rather than "policy says nothing": logged as warnings. */
    private static final Set<PolicyEvaluator.Skip> SUSPICIOUS =
            EnumSet.of(
                    PolicyEvaluator.Skip.WILDCARD_DESTINATION,
                    PolicyEvaluator.Skip.PORT_ZERO,
                    PolicyEvaluator.Skip.BAD_ADDRESS,
                    PolicyEvaluator.Skip.ALERT_WITHOUT_SOURCE,
                    PolicyEvaluator.Skip.SENSOR_NOT_ALLOWED);

    private VerdictRecords() {}

    static List<Record<String, Verdict>> of(
            PolicyEvaluator.Evaluation result,
            String inputKey,
            VerdictPolicy policy,
            MeterRegistry meters) {
        if (result.skip() != PolicyEvaluator.Skip.NONE) {
            meters.counter("ctstream.policy.skipped", "reason", result.skip().tag()).increment();
            if (SUSPICIOUS.contains(result.skip())) {
                LOG.warn("policy: no verdict for {} ({})", inputKey, result.skip().tag());
            }
        }
        if (result.verdicts().isEmpty()) {
            return List.of();
        }
        long now = policy.clock().millis();
        List<Record<String, Verdict>> out = new ArrayList<>(result.verdicts().size());
        for (Verdict v : result.verdicts()) {
            meters.counter(
                            "ctstream.policy.verdicts",
                            "action",
                            v.getAction().name(),
                            "gateway",
                            v.getGatewayId())
                    .increment();
            out.add(new Record<>(v.getGatewayId(), v, now));
        }
        return out;
    }
}
