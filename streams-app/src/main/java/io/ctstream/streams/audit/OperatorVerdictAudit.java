package io.ctstream.streams.audit;

import io.ctstream.avro.Alert;
import io.ctstream.avro.OperatorAudit;
import io.ctstream.avro.Severity;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictMatches;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits operator verdicts that did not come through {@code ctstream verdict} (issue 21). The CLI
 * writes each operator verdict with its {@link OperatorAudit} record in one transaction; a client
 * that writes to the verdicts topic directly (with an operator key, or any key that is not
 * streams-app's own) writes no audit record. Both topics are re-keyed by verdict id into {@code
 * ct-audit-check} ({@link #verdicts}, {@link #audits}); here a verdict that finds no audit record
 * of its id within {@link #wait} of wall clock gets one written by streams-app, user {@value
 * #UNKNOWN_USER}, and an alert {@value #ALERT_TYPE} (WARNING). A verdict signed with one of
 * streams-app's own unscoped keys is the policy's, and is not checked.
 *
 * <p>The check store holds, per verdict id, what has arrived: {@code 'V'} and the verdict's bytes,
 * or {@code 'A'} (an audit record, the CLI's or this processor's own coming back), each with its
 * arrival time; an entry leaves once both met, or after {@link #wait}.
 */
public final class OperatorVerdictAudit implements Processor<String, byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorVerdictAudit.class);
    public static final String STORE = "operator-audit-check";
    public static final String TO_AUDIT = "to-operator-audit";
    public static final String TO_ALERTS = "audit-to-alerts";
    public static final String ALERT_TYPE = "operator-verdict-unaudited";
    public static final String UNKNOWN_USER = "(unknown: not published by ctstream verdict)";
    static final byte VERDICT = 'V';
    static final byte AUDITED = 'A';
    private static final Duration PUNCTUATE_EVERY = Duration.ofSeconds(1);

    private final Duration wait;
    private final Deserializer<Verdict> verdictBytes;
    private final String verdictsTopic;
    private final MeterRegistry meters;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;

    public OperatorVerdictAudit(
            Duration wait,
            Deserializer<Verdict> verdictBytes,
            String verdictsTopic,
            MeterRegistry meters) {
        this.wait = wait;
        this.verdictBytes = verdictBytes;
        this.verdictsTopic = verdictsTopic;
        this.meters = meters;
    }

    /**
     * The first step on the verdicts topic: operator verdicts (not signed by one of {@code
     * keyring}'s unscoped keys), re-keyed by verdict id, as {@code 'V'} + the record's bytes.
     */
    public static Processor<String, Verdict, String, byte[]> verdicts(
            VerdictKeyring keyring, Serializer<Verdict> bytes, String topic) {
        return new Processor<>() {
            private ProcessorContext<String, byte[]> context;

            @Override
            public void init(ProcessorContext<String, byte[]> context) {
                this.context = context;
            }

            @Override
            public void process(Record<String, Verdict> record) {
                Verdict v = record.value();
                if (v == null || v.getVerdictId() == null || isOwn(keyring, v)) {
                    return;
                }
                byte[] value = bytes.serialize(topic, v);
                context.forward(
                        record.withKey(v.getVerdictId())
                                .withValue(
                                        ByteBuffer.allocate(1 + value.length)
                                                .put(VERDICT)
                                                .put(value)
                                                .array())
                                .withTimestamp(context.currentSystemTimeMs()));
            }
        };
    }

    /** The first step on the audit topic: each audit record's verdict id, as {@code 'A'}. */
    public static Processor<String, OperatorAudit, String, byte[]> audits() {
        return new Processor<>() {
            private ProcessorContext<String, byte[]> context;

            @Override
            public void init(ProcessorContext<String, byte[]> context) {
                this.context = context;
            }

            @Override
            public void process(Record<String, OperatorAudit> record) {
                if (record.value() != null && record.value().getVerdictId() != null) {
                    context.forward(
                            record.withKey(record.value().getVerdictId())
                                    .withValue(new byte[] {AUDITED})
                                    .withTimestamp(context.currentSystemTimeMs()));
                }
            }
        };
    }

    /** Signed with a key streams-app itself signs with (unscoped): the policy's verdict. */
    static boolean isOwn(VerdictKeyring keyring, Verdict v) {
        return v.getKeyId() != null
                && keyring.key(v.getGatewayId(), v.getKeyId()).isPresent()
                && keyring.scope(v.getGatewayId(), v.getKeyId()).isEmpty();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        byte[] in = record.value();
        if (record.key() == null || in == null || in.length == 0) {
            return;
        }
        byte[] had = store.get(record.key());
        if (had != null && had[0] != in[0]) {
            store.delete(record.key()); // the verdict and its audit record met: audited
            return;
        }
        if (had == null) {
            store.put(
                    record.key(),
                    ByteBuffer.allocate(1 + 8 + in.length - 1)
                            .put(in[0])
                            .putLong(context.currentSystemTimeMs())
                            .put(in, 1, in.length - 1)
                            .array());
        }
    }

    /**
     * Verdicts whose audit record did not come within the wait: audited here, and an alert; stale
     * marks forgotten.
     */
    private void expire(long nowMillis) {
        List<KeyValue<String, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (ByteBuffer.wrap(kv.value, 1, 8).getLong() + wait.toMillis() <= nowMillis) {
                    due.add(kv);
                }
            }
        }
        for (KeyValue<String, byte[]> kv : due) {
            store.delete(kv.key);
            if (kv.value[0] != VERDICT) {
                continue;
            }
            byte[] bytes = new byte[kv.value.length - 9];
            System.arraycopy(kv.value, 9, bytes, 0, bytes.length);
            Verdict v = verdictBytes.deserialize(verdictsTopic, bytes);
            long now = nowMillis * 1000;
            OperatorAudit audit =
                    OperatorAudit.newBuilder()
                            .setVerdictId(v.getVerdictId())
                            .setGatewayId(v.getGatewayId())
                            .setAction(v.getAction().name())
                            .setMatch(VerdictMatches.describe(v.getMatch()))
                            .setTtlSeconds(v.getTtlSeconds())
                            .setReason(v.getReason() == null ? "" : v.getReason())
                            .setKeyId(v.getKeyId() == null ? "" : v.getKeyId())
                            .setUser(UNKNOWN_USER)
                            .setHost(null)
                            .setTimeMicros(now)
                            .build();
            Alert alert =
                    Alert.newBuilder()
                            .setAlertId("alert-unaudited-" + v.getVerdictId())
                            .setType(ALERT_TYPE)
                            .setSeverity(
                                    v.getAction() == VerdictAction.REVOKE
                                            ? Severity.INFO
                                            : Severity.WARNING)
                            .setTimestampMicros(now)
                            .setSource(null)
                            .setMessage(
                                    "verdict "
                                            + v.getVerdictId()
                                            + " ("
                                            + v.getAction()
                                            + " on "
                                            + v.getGatewayId()
                                            + ": "
                                            + VerdictMatches.describe(v.getMatch())
                                            + ", key "
                                            + v.getKeyId()
                                            + ") was written to the verdicts topic without an audit record: not by ctstream verdict")
                            .setEvidence(v.getVerdictId())
                            .build();
            context.forward(new Record<>(v.getGatewayId(), audit, nowMillis), TO_AUDIT);
            context.forward(new Record<>(alert.getAlertId(), alert, nowMillis), TO_ALERTS);
            meters.counter("ctstream.operator.unaudited", "gateway", v.getGatewayId()).increment();
            LOG.warn(
                    "operator verdict {} on {} (key {}) came without an audit record: audited by streams-app, alert raised",
                    v.getVerdictId(),
                    v.getGatewayId(),
                    v.getKeyId());
        }
    }
}
