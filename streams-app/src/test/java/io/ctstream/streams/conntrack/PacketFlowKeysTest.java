package io.ctstream.streams.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.FlowKey;
import org.junit.jupiter.api.Test;

class PacketFlowKeysTest {

    @Test
    void bothDirectionsGiveTheSameKeyWithTheLowerEndpointAsA() {
        FlowKey there = PacketFlowKeys.of(Packets.tcp("10.77.2.2", 21, "10.77.1.2", 40000).build());
        FlowKey back = PacketFlowKeys.of(Packets.tcp("10.77.1.2", 40000, "10.77.2.2", 21).build());
        assertThat(there).isEqualTo(back);
        assertThat(Tuples.address(there.getAddrA())).isEqualTo("10.77.1.2");
        assertThat(there.getPortA()).isEqualTo(40000);
    }

    @Test
    void addressesCompareUnsignedThenPorts() {
        FlowKey k = PacketFlowKeys.of(Packets.udp("200.0.0.1", 1, "10.0.0.1", 2).build());
        assertThat(Tuples.address(k.getAddrA())).isEqualTo("10.0.0.1");
        FlowKey same = PacketFlowKeys.of(Packets.udp("10.0.0.1", 9000, "10.0.0.1", 53).build());
        assertThat(same.getPortA()).isEqualTo(53);
        FlowKey v6 = PacketFlowKeys.of(Packets.tcp("fd77:2::2", 21, "fd77:1::2", 5).build());
        assertThat(Tuples.address(v6.getAddrA())).isEqualTo("fd77:1:0:0:0:0:0:2");
        assertThat(v6.getIpVersion()).isEqualTo(6);
    }
}
