package io.ctstream.capture.agent;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.decode.DecodeCounters;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.FlowKeys;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.decode.PacketRecords;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.capture.publish.PacketPublisher;
import io.ctstream.capture.source.FrameSink;

/**
 * Decode, apply the payload policy, build key and record, hand over to the publisher. One per
 * capture thread (it owns a decoder and its reused packet).
 */
final class FrameHandler implements FrameSink {
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final String sensorId;
    private final EdgePayloadPolicy policy;
    private final PacketPublisher publisher;
    private final CaptureMetrics metrics;

    FrameHandler(String sensorId, EdgePayloadPolicy policy, PacketPublisher publisher, CaptureMetrics metrics) {
        this.sensorId = sensorId;
        this.policy = policy;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    DecodeCounters counters() {
        return decoder.counters();
    }

    @Override
    public void accept(CapturedFrame f) {
        metrics.captured(f.originalLength());
        if (!decoder.decode(f.linkType(), f.data(), f.capturedLength(), f.originalLength(), packet)) {
            metrics.parseError(packet.reject());
            return;
        }
        if (packet.fragment()) {
            metrics.fragment();
        }
        FlowKey key = FlowKeys.of(packet);
        PacketRecord value = PacketRecords.toRecord(packet, sensorId, f.timestampMicros(), f.interfaceName(),
                policy.keepBytes(packet));
        publisher.submit(key, value);
    }
}
