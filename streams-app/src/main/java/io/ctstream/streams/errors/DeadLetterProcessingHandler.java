package io.ctstream.streams.errors;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record that makes a processor throw is sent, as the raw bytes it arrived with, to the
 * dead-letter topic with its reason, counted, and skipped, instead of stopping the application.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfigs(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return Response.resume(
                List.of(
                        deadLetters.reject(
                                "processing",
                                context,
                                context.sourceRawKey(),
                                context.sourceRawValue(),
                                exception)));
    }
}
