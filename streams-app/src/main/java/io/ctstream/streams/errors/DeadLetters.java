package io.ctstream.streams.errors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the dead-letter record for a record the application could not deserialize or process,
 * counts it by reason and logs it. The record keeps the original key and value bytes untouched, so
 * it can be inspected and replayed; the headers say where it came from and why it was rejected.
 */
public final class DeadLetters {
    /** Config key: the dead-letter topic. */
    public static final String TOPIC_CONFIG = "ctstream.dead.letter.topic";

    /**
     * Config key: a {@link MeterRegistry} object to count in (default: Micrometer's global
     * registry).
     */
    public static final String METER_REGISTRY_CONFIG = "ctstream.meter.registry";

    /** Counter of dead-lettered records, tagged with reason, stage and source topic. */
    public static final String COUNTER = "ctstream.dead.letter.records";

    public static final String HEADER_REASON = "ctstream.error.reason";
    public static final String HEADER_STAGE = "ctstream.error.stage";
    public static final String HEADER_EXCEPTION = "ctstream.error.exception";
    public static final String HEADER_MESSAGE = "ctstream.error.message";
    public static final String HEADER_TOPIC = "ctstream.error.topic";
    public static final String HEADER_PARTITION = "ctstream.error.partition";
    public static final String HEADER_OFFSET = "ctstream.error.offset";
    public static final String HEADER_PROCESSOR = "ctstream.error.processor";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final String topic;
    private final MeterRegistry meters;

    private DeadLetters(String topic, MeterRegistry meters) {
        this.topic = topic;
        this.meters = meters;
    }

    /** Reads the topic and the registry from a handler's configs; the topic is required. */
    static DeadLetters fromConfigs(Map<String, ?> configs) {
        Object topic = configs.get(TOPIC_CONFIG);
        if (!(topic instanceof String) || ((String) topic).isBlank()) {
            throw new IllegalArgumentException(TOPIC_CONFIG + " must name the dead-letter topic");
        }
        Object registry = configs.get(METER_REGISTRY_CONFIG);
        return new DeadLetters(
                (String) topic,
                registry instanceof MeterRegistry
                        ? (MeterRegistry) registry
                        : Metrics.globalRegistry);
    }

    String topic() {
        return topic;
    }

    /** Counts, logs and builds the dead-letter record for one rejected record. */
    ProducerRecord<byte[], byte[]> reject(
            String stage,
            ErrorHandlerContext context,
            byte[] key,
            byte[] value,
            Exception exception) {
        String reason = RejectionReason.of(exception);
        meters.counter(
                        COUNTER,
                        "reason",
                        reason,
                        "stage",
                        stage,
                        "topic",
                        String.valueOf(context.topic()))
                .increment();
        LOG.warn(
                "dead-lettering record {}-{}@{} ({} at {}): {}",
                context.topic(),
                context.partition(),
                context.offset(),
                reason,
                stage,
                exception.toString());
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_REASON, utf8(reason));
        headers.add(HEADER_STAGE, utf8(stage));
        headers.add(HEADER_EXCEPTION, utf8(exception.getClass().getName()));
        headers.add(HEADER_MESSAGE, utf8(String.valueOf(exception.getMessage())));
        headers.add(HEADER_TOPIC, utf8(String.valueOf(context.topic())));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(HEADER_OFFSET, utf8(Long.toString(context.offset())));
        if (context.processorNodeId() != null) {
            headers.add(HEADER_PROCESSOR, utf8(context.processorNodeId()));
        }
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
