package io.ctstream.streams.tracking;

import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.conntrack.TrackedConnectionCodec;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.channel.ControlChannelState;
import io.ctstream.streams.helper.channel.ControlChannelStateCodec;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serdes over the versioned binary codecs of the tracker's internal state. */
public final class CodecSerdes {
    private CodecSerdes() {}

    public static Serde<TrackedConnection> trackedConnection() {
        return Serdes.serdeFrom(
                (topic, v) -> v == null ? null : TrackedConnectionCodec.encode(v),
                (topic, b) -> {
                    if (b == null) {
                        return null;
                    }
                    try {
                        return TrackedConnectionCodec.decode(b);
                    } catch (IllegalArgumentException e) {
                        throw new SerializationException(
                                "tracked connection in " + topic + ": " + e.getMessage(), e);
                    }
                });
    }

    public static Serde<ControlChannelState> controlChannel(HelperConfig config) {
        return Serdes.serdeFrom(
                (topic, v) -> v == null ? null : ControlChannelStateCodec.encode(v),
                (topic, b) -> {
                    if (b == null) {
                        return null;
                    }
                    try {
                        return ControlChannelStateCodec.decode(b, config);
                    } catch (RuntimeException e) {
                        throw new SerializationException(
                                "control channel state in " + topic + ": " + e.getMessage(), e);
                    }
                });
    }
}
