package io.ctstream.streams.tracking;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a packets record is its first packet's capture timestamp, whatever timestamp the
 * record carries: stream time, and with it every timeout, then follows the packets and not the
 * broker or the replay speed. (The later packets of a batch lie at most the capture agent's batch
 * age later; timeouts check each packet's own time.)
 */
public final class PacketTimestampExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof TrackerInput.Packets p
                && p.first().getTimestampMicros() > 0) {
            return p.first().getTimestampMicros() / 1000;
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
    }
}
