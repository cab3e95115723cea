package io.ctstream.streams.conntrack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrackedConnectionCodecTest {

    @Test
    void roundTripsATcpConnectionWithItsWindowState() {
        TcpSession s =
                new TcpSession(new ConnectionTracker(ConntrackConfig.defaults())).handshake();
        s.c(TcpSession.P | TcpSession.A, 1001, 5001, 100);
        byte[] bytes = TrackedConnectionCodec.encode(s.stored);
        assertThat(bytes[0]).isEqualTo(TrackedConnectionCodec.MAGIC);
        assertThat(bytes[1]).isEqualTo(TrackedConnectionCodec.VERSION);
        assertThat(bytes.length).isLessThan(400);
        TrackedConnection back = TrackedConnectionCodec.decode(bytes);
        assertThat(back).isEqualTo(s.stored);
        assertThat(back.state().getTcp().getOriginal().getTdEnd()).isEqualTo(1101);
    }

    @Test
    void aDecodedConnectionTracksOnExactlyLikeTheOriginal() {
        ConnectionTracker tracker = new ConnectionTracker(ConntrackConfig.defaults());
        TcpSession s = new TcpSession(tracker).handshake();
        TrackedConnection restored =
                TrackedConnectionCodec.decode(TrackedConnectionCodec.encode(s.stored));
        var fin = s.fromClient(TcpSession.F | TcpSession.A, 1001, 5001).at(s.now + 1000).build();
        assertThat(tracker.track(restored, fin)).isEqualTo(tracker.track(s.stored, fin));
    }

    /**
     * Format 2 (before the captured-packet counters): read with the schema it was written with,
     * counters at 0.
     */
    @Test
    void readsFormatTwo() throws Exception {
        TcpSession s =
                new TcpSession(new ConnectionTracker(ConntrackConfig.defaults())).handshake();
        org.apache.avro.Schema formatTwo;
        try (var in =
                TrackedConnectionCodec.class.getResourceAsStream("connection-format-2.avsc")) {
            formatTwo = new org.apache.avro.Schema.Parser().parse(in);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(TrackedConnectionCodec.MAGIC);
        out.write(2);
        var enc = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(out, null);
        enc.writeLong(s.stored.indexedDeadlineMicros());
        // the new fields come last: the old schema's positions are the generated class's
        new org.apache.avro.generic.GenericDatumWriter<Object>(
                        formatTwo, org.apache.avro.specific.SpecificData.get())
                .write(s.stored.connection(), enc);
        new org.apache.avro.specific.SpecificDatumWriter<>(
                        io.ctstream.streams.conntrack.state.TrackingState.class)
                .write(s.stored.state(), enc);
        enc.flush();

        TrackedConnection back = TrackedConnectionCodec.decode(out.toByteArray());
        assertThat(s.stored.connection().getOrigPacketsCaptured()).isPositive();
        assertThat(back.connection().getOrigPacketsCaptured()).isZero();
        back.connection().setOrigPacketsCaptured(s.stored.connection().getOrigPacketsCaptured());
        back.connection().setReplyPacketsCaptured(s.stored.connection().getReplyPacketsCaptured());
        assertThat(back).isEqualTo(s.stored);
    }

    @Test
    void rejectsForeignOrCorruptBytesWithAClearError() {
        assertThatThrownBy(() -> TrackedConnectionCodec.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("magic");
        assertThatThrownBy(
                        () ->
                                TrackedConnectionCodec.decode(
                                        new byte[] {TrackedConnectionCodec.MAGIC, 9}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 9");
        byte[] good =
                TrackedConnectionCodec.encode(
                        new TcpSession(new ConnectionTracker(ConntrackConfig.defaults()))
                                .handshake()
                                .stored);
        byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> TrackedConnectionCodec.decode(cut))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
