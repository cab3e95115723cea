package io.ctstream.capture.agent;

import io.ctstream.capture.decode.DecodeCounters;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.encode.FlowKeyBytes;
import io.ctstream.capture.encode.PacketRecordEncoder;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.capture.publish.PacketPublisher;
import io.ctstream.capture.source.FrameSink;

/**
 * Decode, apply the payload policy, encode key and record, hand over to the publisher. One per
 * capture thread (it owns a decoder, its reused packet and an encoder).
 */
final class FrameHandler implements FrameSink {
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final PacketRecordEncoder encoder;
    private final EdgePayloadPolicy policy;
    private final PacketPublisher publisher;
    private final CaptureMetrics metrics;

    FrameHandler(PacketRecordEncoder encoder, EdgePayloadPolicy policy, PacketPublisher publisher, CaptureMetrics metrics) {
        this.encoder = encoder;
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
        byte[] key;
        byte[] value;
        try {
            key = FlowKeyBytes.of(packet);
            value = encoder.encode(packet, f.timestampMicros(), f.interfaceName(), policy.keepBytes(packet));
        } catch (RuntimeException e) {
            publisher.dropUnencodable(e);
            return;
        }
        publisher.submit(key, value, Math.floorDiv(f.timestampMicros(), 1000L));
    }
}
