package io.ctstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.FlowKey;
import io.ctstream.schemas.FlowKeys;
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

    @Test
    void roundTripsIpv4AndIpv6() throws Exception {
        for (String[] pair : new String[][] {{"10.0.0.1", "10.0.0.2"}, {"fd77:1::2", "fd77:2::2"}}) {
            byte[] a = InetAddress.getByName(pair[0]).getAddress();
            byte[] b = InetAddress.getByName(pair[1]).getAddress();
            FlowKey key = FlowKeys.of(a.length == 4 ? 4 : 6, 6, b, 65535, a, 1);
            assertThat(serde.deserialize("t", serde.serialize("t", key))).isEqualTo(key);
        }
    }

    @Test
    void rejectsTruncatedGarbageAndWrongAddressLengths() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {1, 4})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {9, 4, 6})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> serde.deserialize("t", new byte[14])).isInstanceOf(SerializationException.class);
        byte[] wrongLength = new byte[20];
        wrongLength[0] = 1;
        wrongLength[1] = 4;
        assertThatThrownBy(() -> serde.deserialize("t", wrongLength)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("needs 15");
        FlowKey bad = FlowKeys.of(6, 6, new byte[4], 1, new byte[4], 2);
        assertThatThrownBy(() -> serde.serialize("t", bad)).isInstanceOf(SerializationException.class);
    }

    @Test
    void nullIsATombstone() {
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }
}
