package io.ctstream.streams.tracking;

import io.ctstream.avro.PacketRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a packet is its capture timestamp, whatever timestamp the record carries: stream
 * time, and with it every timeout, then follows the packets and not the broker or the replay speed.
 */
public final class PacketTimestampExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof PacketRecord p && p.getTimestampMicros() > 0) {
            return p.getTimestampMicros() / 1000;
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
    }
}
