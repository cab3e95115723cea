package io.ctstream.streams.audit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The timestamp of the audit sources' records: the partition's time so far (0 at first), never the
 * record's own. Their records are stamped with the wall clock, and where one task runs the whole
 * topology (Kafka Streams' topology test driver, {@code inprocess.InProcessPipeline}) a wall-clock
 * time would move the stream time of a replayed capture's connections and expectations by years at
 * once. The audit itself runs on the wall clock ({@link OperatorVerdictAudit}).
 */
public final class StreamTimeNeutral implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        return Math.max(0, partitionTime);
    }
}
