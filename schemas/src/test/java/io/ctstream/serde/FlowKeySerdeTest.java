package io.ctstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.FlowKey;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.IpProtocol;
import java.net.InetAddress;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class FlowKeySerdeTest {
    private final FlowKeySerde serde = new FlowKeySerde();

    @Test
    void bothDirectionsOfAFlowSerializeToTheSameBytes() throws Exception {
        byte[] c = InetAddress.getByName("10.77.1.2").getAddress();
        byte[] s = InetAddress.getByName("10.77.2.2").getAddress();
        byte[] fwd = serde.serialize("t", FlowKeys.of(4, 6, c, 54728, s, 21));
        byte[] rev = serde.serialize("t", FlowKeys.of(4, 6, s, 21, c, 54728));
        assertThat(fwd).isEqualTo(rev).hasSize(15);
        assertThat(fwd[0]).isEqualTo(FlowKeySerde.VERSION);
    }

    /**
     * The bytes on the wire, pinned: Kafka partitions by them, so a change here moves every flow to
     * another partition (and breaks co-partitioning with a running release). Both writers, the
     * serde and the capture agent's {@link FlowKeys#canonicalBytes}, must give exactly these.
     */
    @Test
    void theWireLayoutIsPinned() throws Exception {
        byte[] client = InetAddress.getByName("10.77.1.2").getAddress();
        byte[] server = InetAddress.getByName("10.77.2.2").getAddress();
        byte[] ipv4 = {
            1,
            4,
            6, // version, IPv4, TCP
            10,
            77,
            1,
            2,
            (byte) 0xd5,
            (byte) 0xc8, // A = 10.77.1.2:54728
            10,
            77,
            2,
            2,
            0,
            21, // B = 10.77.2.2:21
        };
        assertThat(serde.serialize("t", FlowKeys.of(4, IpProtocol.TCP, server, 21, client, 54728)))
                .isEqualTo(ipv4);
        byte[] frame = new byte[8];
        System.arraycopy(server, 0, frame, 0, 4);
        System.arraycopy(client, 0, frame, 4, 4);
        assertThat(FlowKeys.canonicalBytes(4, IpProtocol.TCP, frame, 0, 21, 4, 54728, 4))
                .isEqualTo(ipv4);

        byte[] a6 = InetAddress.getByName("fd77:1::2").getAddress();
        byte[] b6 = InetAddress.getByName("fd77:2::2").getAddress();
        byte[] ipv6 = {
            1,
            6,
            17, // version, IPv6, UDP
            (byte) 0xfd,
            0x77,
            0,
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            2,
            0x13,
            (byte) 0x88, // A = [fd77:1::2]:5000
            (byte) 0xfd,
            0x77,
            0,
            2,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            2,
            0,
            53, // B = [fd77:2::2]:53
        };
        assertThat(serde.serialize("t", FlowKeys.of(6, IpProtocol.UDP, b6, 53, a6, 5000)))
                .isEqualTo(ipv6);
        byte[] frame6 = new byte[32];
        System.arraycopy(b6, 0, frame6, 0, 16);
        System.arraycopy(a6, 0, frame6, 16, 16);
        assertThat(FlowKeys.canonicalBytes(6, IpProtocol.UDP, frame6, 0, 53, 16, 5000, 16))
                .isEqualTo(ipv6);
        assertThat(serde.deserialize("t", ipv6))
                .isEqualTo(FlowKeys.of(6, IpProtocol.UDP, a6, 5000, b6, 53));
    }

    @Test
    void theSameAddressOrdersByPort() throws Exception {
        byte[] host = InetAddress.getByName("10.0.0.1").getAddress();
        byte[] frame = new byte[8];
        System.arraycopy(host, 0, frame, 0, 4);
        System.arraycopy(host, 0, frame, 4, 4);
        byte[] bytes = FlowKeys.canonicalBytes(4, IpProtocol.UDP, frame, 0, 9000, 4, 53, 4);
        assertThat(bytes)
                .isEqualTo(
                        serde.serialize("t", FlowKeys.of(4, IpProtocol.UDP, host, 9000, host, 53)));
        assertThat(serde.deserialize("t", bytes).getPortA()).isEqualTo(53);
    }

    @Test
    void roundTripsIpv4AndIpv6() throws Exception {
        for (String[] pair :
                new String[][] {{"10.0.0.1", "10.0.0.2"}, {"fd77:1::2", "fd77:2::2"}}) {
            byte[] a = InetAddress.getByName(pair[0]).getAddress();
            byte[] b = InetAddress.getByName(pair[1]).getAddress();
            FlowKey key = FlowKeys.of(a.length == 4 ? 4 : 6, 6, b, 65535, a, 1);
            assertThat(serde.deserialize("t", serde.serialize("t", key))).isEqualTo(key);
        }
    }

    @Test
    void rejectsTruncatedGarbageAndWrongAddressLengths() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {1, 4}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {9, 4, 6}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> serde.deserialize("t", new byte[14]))
                .isInstanceOf(SerializationException.class);
        byte[] wrongLength = new byte[20];
        wrongLength[0] = 1;
        wrongLength[1] = 4;
        assertThatThrownBy(() -> serde.deserialize("t", wrongLength))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("needs 15");
        FlowKey bad = FlowKeys.of(6, 6, new byte[4], 1, new byte[4], 2);
        assertThatThrownBy(() -> serde.serialize("t", bad))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void nullIsATombstone() {
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }
}
