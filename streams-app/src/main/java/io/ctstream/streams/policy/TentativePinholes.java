package io.ctstream.streams.policy;

import io.ctstream.avro.Verdict;
import io.ctstream.verdict.VerdictSigner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tentative copy of each ALLOW the tracker signs, published at once, outside the stream
 * thread's transaction, to the {@code verdicts-tentative} topic. The real ALLOW becomes visible
 * only when the tracker's transaction commits — tens to hundreds of milliseconds later under load,
 * a commit that also flushes every store cache — while the data connection's SYN follows the
 * announcement by about a millisecond. An agent applies the tentative copy only where no element is
 * yet (it never shortens one) and for at most {@link #MAX_TTL_SECONDS}; the committed ALLOW then
 * sets the pinhole's real lifetime.
 *
 * <p>What it costs: the copy is at-least-once, not exactly-once. If the transaction aborts (the
 * instance dies before it commits), the copy has opened, for a few seconds, a pinhole whose ALLOW
 * is not yet committed; the task then processes the same packets again and commits the same ALLOW
 * (ids and content are deterministic), so the pinhole is the one the pipeline decides anyway. The
 * exactly-once verdicts topic is unchanged: tentative copies have their own topic and ids ({@code
 * <verdict id>/tentative}), are signed with the same key, and carry only ALLOWs.
 */
public final class TentativePinholes implements AutoCloseable {
    /**
     * Longest life of a tentative pinhole: its committed ALLOW normally follows within a second.
     */
    public static final int MAX_TTL_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(TentativePinholes.class);

    private final Producer<String, Verdict> producer;
    private final String topic;
    private final VerdictSigner signer;
    private final Counter sent;
    private final Counter failed;

    public TentativePinholes(
            Producer<String, Verdict> producer,
            String topic,
            VerdictSigner signer,
            MeterRegistry meters) {
        this.producer = producer;
        this.topic = topic;
        this.signer = signer;
        this.sent = meters.counter("ctstream.policy.tentative", "result", "sent");
        this.failed = meters.counter("ctstream.policy.tentative", "result", "failed");
    }

    /** The tentative copy of a signed ALLOW. */
    public Verdict copyOf(Verdict allow) {
        return signer.sign(
                Verdict.newBuilder(allow)
                        .setVerdictId(allow.getVerdictId() + "/tentative")
                        .setTtlSeconds(Math.min(allow.getTtlSeconds(), MAX_TTL_SECONDS))
                        .setReason(allow.getReason() + " (tentative)")
                        .setKeyId(null)
                        .setSignature(null)
                        .build());
    }

    /**
     * Publishes the tentative copies of {@code allows} now; a failure is logged and counted (the
     * real ALLOW follows).
     */
    public void publish(List<Record<String, Verdict>> allows) {
        for (Record<String, Verdict> r : allows) {
            producer.send(
                    new ProducerRecord<>(topic, null, r.timestamp(), r.key(), copyOf(r.value())),
                    (md, e) -> {
                        if (e == null) {
                            sent.increment();
                        } else {
                            failed.increment();
                            LOG.warn(
                                    "tentative pinhole {} not published: {}",
                                    r.value().getVerdictId(),
                                    e.getMessage());
                        }
                    });
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
