package io.ctstream.capture.agent;

import io.ctstream.capture.batch.FlowBatcher;
import io.ctstream.capture.decode.DecodeCounters;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.encode.FlowKeyBytes;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.capture.mask.CredentialMasker;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.capture.publish.PacketPublisher;
import io.ctstream.capture.source.FrameSink;

/**
 * Decode, apply the payload policy, mask credentials in the payload kept, key, hand the packet to
 * the flow batcher (which encodes it into its flow's batch and hands finished records to the
 * publisher). One per capture thread (it owns a decoder, its reused packet and a batcher with its
 * encoder).
 */
final class FrameHandler implements FrameSink {
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final FlowBatcher batcher;
    private final EdgePayloadPolicy policy;
    private final PacketPublisher publisher;
    private final CaptureMetrics metrics;

    FrameHandler(
            FlowBatcher batcher,
            EdgePayloadPolicy policy,
            PacketPublisher publisher,
            CaptureMetrics metrics) {
        this.batcher = batcher;
        this.policy = policy;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    DecodeCounters counters() {
        return decoder.counters();
    }

    FlowBatcher batcher() {
        return batcher;
    }

    @Override
    public void accept(CapturedFrame f) {
        metrics.captured(f.originalLength());
        if (!decoder.decode(
                f.linkType(), f.data(), f.capturedLength(), f.originalLength(), packet)) {
            metrics.parseError(packet.reject());
            return;
        }
        if (packet.fragment()) {
            metrics.fragment();
        }
        long micros = f.timestampMicros();
        if (micros
                < 0) { // Kafka refuses negative record timestamps; a capture file's can overflow to
            // one
            publisher.dropUnencodable(
                    new IllegalArgumentException("negative capture timestamp " + micros + " µs"));
            return;
        }
        int keep = policy.keepBytes(packet);
        if (keep > 0) { // before encoding: a password must never reach the record, the queue or
            // Kafka
            CredentialMasker.mask(
                    f.data(),
                    packet.payloadOffset(),
                    Math.min(keep, packet.payloadCaptured()),
                    metrics);
        }
        try {
            batcher.add(packet, FlowKeyBytes.of(packet), micros, f.interfaceName(), keep);
        } catch (RuntimeException e) {
            publisher.dropUnencodable(e);
        }
    }
}
