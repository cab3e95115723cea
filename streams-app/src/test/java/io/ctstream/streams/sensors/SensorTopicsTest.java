package io.ctstream.streams.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.PacketRecord;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.errors.RejectedRecordException;
import io.ctstream.streams.testing.LabCaptures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensorTopicsTest {
    final SensorTopics topics = new SensorTopics("p-packets");

    @Test
    void theSensorIsTheTopicsSuffixAndOnlyThePrefixedPacketsTopicsMatch() {
        assertThat(topics.sensorOf("p-packets.edge-1")).contains("edge-1");
        assertThat(topics.sensorOf("p-packets.site.a_2")).contains("site.a_2");
        assertThat(topics.sensorOf("p-packets")).isEmpty();
        assertThat(topics.sensorOf("p-packets.")).isEmpty();
        assertThat(topics.sensorOf("p-packets..x")).isEmpty();
        assertThat(topics.sensorOf("q-packets.edge-1")).isEmpty();
        assertThat(topics.sensorOf("p-packetsXedge"))
                .isEmpty(); // the dot is literal, not any character
        assertThat(topics.sensorOf(Topics.sensorPackets("p-", "edge-1"))).contains("edge-1");
        assertThatThrownBy(() -> Topics.sensorPackets("p-", "a/b"))
                .hasMessageContaining("cannot name a topic");
        assertThatThrownBy(() -> Topics.sensorPackets("p-", ".x"))
                .hasMessageContaining("cannot name a topic");
    }

    @Test
    void aRecordOfItsTopicsSensorPassesAndOneClaimingAnotherIsRejected() throws Exception {
        List<PacketRecord> lab =
                LabCaptures.read(Path.of("..", "testdata", "lab", "ftp-passive.pcap"), "edge-1");
        PacketRecord own = lab.get(0);
        assertThat(topics.attribute("p-packets.edge-1", own)).isSameAs(own);
        assertThatThrownBy(() -> topics.attribute("p-packets.edge-2", own))
                .isInstanceOfSatisfying(
                        RejectedRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(SensorTopics.MISMATCH))
                .hasMessageContaining("sensor 'edge-1' in topic p-packets.edge-2");
    }

    @Test
    void oneForgedPacketInABatchRejectsTheBatch() throws Exception {
        List<PacketRecord> lab =
                LabCaptures.read(Path.of("..", "testdata", "lab", "ftp-passive.pcap"), "edge-1");
        PacketRecord forged = PacketRecord.newBuilder(lab.get(1)).setSensorId("edge-2").build();
        PacketRecord batch =
                PacketRecord.newBuilder(lab.get(0))
                        .setFollowing(List.of(lab.get(2), forged))
                        .build();
        assertThatThrownBy(() -> topics.attribute("p-packets.edge-1", batch))
                .isInstanceOf(RejectedRecordException.class);
    }
}
