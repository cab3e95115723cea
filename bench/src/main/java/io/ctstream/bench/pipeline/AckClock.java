package io.ctstream.bench.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A producer interceptor (given to the agent through {@code interceptor.classes}) that remembers,
 * for every capture millisecond (the record timestamp the agent sets), the wall time ({@code
 * System.nanoTime}) at which the broker acknowledged the last packet of that millisecond: when a
 * packet was published. Static, because Kafka instantiates interceptors itself; one bench run uses
 * it at a time.
 */
public final class AckClock implements ProducerInterceptor<byte[], byte[]> {
    private static final Map<Long, Long> ACKED_NANOS_BY_CAPTURE_MILLIS = new ConcurrentHashMap<>();

    static void reset() {
        ACKED_NANOS_BY_CAPTURE_MILLIS.clear();
    }

    /**
     * When the packet captured at {@code captureMicros} was acknowledged, or null when none was.
     */
    static Long ackedNanos(long captureMicros) {
        return ACKED_NANOS_BY_CAPTURE_MILLIS.get(captureMicros / 1000);
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (exception == null && metadata != null && metadata.hasTimestamp()) {
            ACKED_NANOS_BY_CAPTURE_MILLIS.put(metadata.timestamp(), System.nanoTime());
        }
    }

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
}
