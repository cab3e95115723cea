package io.ctstream.streams.errors;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * A poison record (bytes the serde cannot read: garbage, truncated, unknown schema id) is sent to
 * the dead-letter topic with its reason, counted, and skipped; processing goes on.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfigs(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context,
            ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        return Response.resume(
                List.of(
                        deadLetters.reject(
                                "deserialization",
                                context,
                                record.key(),
                                record.value(),
                                exception)));
    }
}
