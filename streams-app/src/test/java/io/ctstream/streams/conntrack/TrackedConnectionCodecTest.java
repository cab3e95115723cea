package io.ctstream.streams.conntrack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrackedConnectionCodecTest {

  @Test
  void roundTripsATcpConnectionWithItsWindowState() {
    TcpSession s = new TcpSession(new ConnectionTracker(ConntrackConfig.defaults())).handshake();
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
    TrackedConnection restored = TrackedConnectionCodec.decode(TrackedConnectionCodec.encode(s.stored));
    var fin = s.fromClient(TcpSession.F | TcpSession.A, 1001, 5001).at(s.now + 1000).build();
    assertThat(tracker.track(restored, fin)).isEqualTo(tracker.track(s.stored, fin));
  }

  @Test
  void rejectsForeignOrCorruptBytesWithAClearError() {
    assertThatThrownBy(() -> TrackedConnectionCodec.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("magic");
    assertThatThrownBy(() -> TrackedConnectionCodec.decode(new byte[] {TrackedConnectionCodec.MAGIC, 9}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 9");
    byte[] good = TrackedConnectionCodec.encode(
        new TcpSession(new ConnectionTracker(ConntrackConfig.defaults())).handshake().stored);
    byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
    assertThatThrownBy(() -> TrackedConnectionCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
  }
}
