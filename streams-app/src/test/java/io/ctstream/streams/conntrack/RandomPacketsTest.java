package io.ctstream.streams.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Connection;
import io.ctstream.avro.PacketRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Arbitrary header combinations never make the core throw, and what it stores stays consistent and
 * encodable.
 */
class RandomPacketsTest {

    @Test
    void randomTrafficKeepsTheInvariants() {
        Random rnd = new Random(42);
        String[] hosts = {"10.0.0.1", "10.0.0.2", "fd00::1", "fd00::2"};
        int[] protos = {6, 6, 6, 17, 1, 58, 47};
        for (ConntrackConfig config :
                new ConntrackConfig[] {
                    ConntrackConfig.defaults(),
                    ConntrackConfig.builder().tcpLoose(false).tcpBeLiberal(true).build()
                }) {
            ConnectionTracker tracker = new ConnectionTracker(config);
            Map<String, TrackedConnection> store = new HashMap<>();
            long now = 1_000_000;
            for (int i = 0; i < 20_000; i++) {
                now += rnd.nextInt(3_000_000);
                boolean v6 = rnd.nextBoolean();
                String a = hosts[(v6 ? 2 : 0) + rnd.nextInt(2)];
                String b = hosts[(v6 ? 2 : 0) + rnd.nextInt(2)];
                int proto = protos[rnd.nextInt(protos.length)];
                if (proto == 1 && v6) {
                    proto = 58;
                } else if (proto == 58 && !v6) {
                    proto = 1;
                }
                Packets pb;
                if (proto == 1 || proto == 58) {
                    pb =
                            Packets.icmp(
                                    a,
                                    b,
                                    rnd.nextInt(6) == 0
                                            ? 3
                                            : (proto == 1
                                                    ? new int[] {0, 8, 13}[rnd.nextInt(3)]
                                                    : new int[] {128, 129, 135}[rnd.nextInt(3)]),
                                    rnd.nextInt(3));
                } else {
                    pb = new Packets().proto(proto).from(a, 1000 + rnd.nextInt(3)).to(b, 80);
                }
                PacketRecord p =
                        pb.flags(rnd.nextInt(256))
                                .seq(
                                        rnd.nextInt(3) == 0
                                                ? rnd.nextLong()
                                                : 1000 + rnd.nextInt(5000))
                                .ack(
                                        rnd.nextInt(3) == 0
                                                ? rnd.nextLong()
                                                : 1000 + rnd.nextInt(5000))
                                .window(rnd.nextInt(65536))
                                .wscale(rnd.nextInt(20) - 1)
                                .sack(rnd.nextBoolean() ? 0 : rnd.nextLong())
                                .payload(rnd.nextInt(1400))
                                .sensor(rnd.nextBoolean() ? "a" : "b")
                                .ipId(rnd.nextInt(4))
                                .at(now)
                                .build();
                String key = PacketFlowKeys.of(p).toString();
                TrackResult r = tracker.track(store.get(key), p);
                assertThat(r.packetState()).isNotNull();
                if (r.connection() == null) {
                    store.remove(key);
                } else {
                    Connection c = r.connection().connection();
                    assertThat(c.getOrigPackets()).isNotNegative();
                    assertThat(c.getTimeoutAtMicros()).isGreaterThan(c.getFirstSeenMicros());
                    assertThat(c.getLastSeenMicros())
                            .isGreaterThanOrEqualTo(c.getFirstSeenMicros());
                    assertThat(
                                    TrackedConnectionCodec.decode(
                                            TrackedConnectionCodec.encode(r.connection())))
                            .isEqualTo(r.connection());
                    store.put(key, r.connection());
                }
                if (r.has(Change.DESTROYED)) {
                    assertThat(r.destroyed()).isNotNull();
                }
            }
        }
    }
}
