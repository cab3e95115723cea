package io.ctstream.streams.limits;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.StreamsProperties;
import io.ctstream.streams.helper.channel.ControlChannelState;
import io.ctstream.streams.helper.channel.ControlChannelStateCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The whole topology on the test driver with given limits: packets in; stores measurable (entries,
 * encoded size of the helpers' per-connection state); alerts, expectations and conntrack events
 * out.
 */
final class TableDriver implements AutoCloseable {
    final StreamsAppConfig config;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TopologyTestDriver driver;
    private final TestInputTopic<FlowKey, PacketRecord> packets;
    private final TestOutputTopic<String, Alert> alerts;
    private final TestOutputTopic<String, ExpectationEvent> expectations;
    private final TestOutputTopic<FlowKey, ConnectionEvent> connEvents;

    TableDriver(LimitsConfig limits) {
        String prefix = "abuse-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        config =
                StreamsAppConfig.builder()
                        .applicationId(prefix + "app")
                        .bootstrapServers("unused:9092")
                        .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                        .topicPrefix(prefix)
                        .limits(limits)
                        .build();
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", config.schemaRegistryUrl());
        driver =
                new TopologyTestDriver(
                        ConntrackTopology.build(config, meters),
                        StreamsProperties.build(config, meters));
        packets =
                driver.createInputTopic(
                        config.topic(Topics.PACKETS),
                        new FlowKeySerde(),
                        AvroSerdes.specific(PacketRecord.class, serdeConfig, false).serializer());
        alerts =
                driver.createOutputTopic(
                        config.topic(Topics.ALERTS),
                        Serdes.String().deserializer(),
                        AvroSerdes.specific(Alert.class, serdeConfig, false).deserializer());
        expectations =
                driver.createOutputTopic(
                        config.topic(Topics.EXPECTATIONS),
                        Serdes.String().deserializer(),
                        AvroSerdes.specific(ExpectationEvent.class, serdeConfig, false)
                                .deserializer());
        connEvents =
                driver.createOutputTopic(
                        config.topic(Topics.CONN_EVENTS),
                        new FlowKeySerde(),
                        AvroSerdes.specific(ConnectionEvent.class, serdeConfig, false)
                                .deserializer());
    }

    /** One TCP segment. */
    void tcp(
            long micros,
            String src,
            int sport,
            String dst,
            int dport,
            int flags,
            long seq,
            long ack,
            String payload) {
        byte[] data = payload.getBytes(StandardCharsets.ISO_8859_1);
        PacketRecord p =
                PacketRecord.newBuilder()
                        .setSensorId("s1")
                        .setTimestampMicros(micros)
                        .setIpVersion(4)
                        .setProtocol(6)
                        .setSrc(ByteBuffer.wrap(addr(src)))
                        .setSrcPort(sport)
                        .setDst(ByteBuffer.wrap(addr(dst)))
                        .setDstPort(dport)
                        .setTcpFlags(flags)
                        .setTcpSeq(seq & 0xffffffffL)
                        .setTcpAck(ack & 0xffffffffL)
                        .setTcpWindow(64240)
                        .setIpTotalLength(40 + data.length)
                        .setPayloadLength(data.length)
                        .setPayload(ByteBuffer.wrap(data))
                        .build();
        packets.pipeInput(FlowKeys.of(4, 6, addr(src), sport, addr(dst), dport), p, micros / 1000);
    }

    /** Entries in a state store now. */
    long entries(String store) {
        KeyValueStore<Object, Object> s = driver.getKeyValueStore(store);
        long n = 0;
        try (KeyValueIterator<Object, Object> it = s.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /**
     * The largest encoded helper state of one control connection now (line buffer, reassembly
     * window, window).
     */
    int largestControlChannelBytes() {
        KeyValueStore<FlowKey, ControlChannelState> s = driver.getKeyValueStore("control-channels");
        int max = 0;
        try (KeyValueIterator<FlowKey, ControlChannelState> it = s.all()) {
            while (it.hasNext()) {
                KeyValue<FlowKey, ControlChannelState> kv = it.next();
                max = Math.max(max, ControlChannelStateCodec.encode(kv.value).length);
            }
        }
        return max;
    }

    List<Alert> alerts() {
        return alerts.readValuesToList();
    }

    List<ExpectationEvent> expectations() {
        return expectations.readValuesToList();
    }

    List<ConnectionEvent> connectionEvents() {
        return connEvents.readValuesToList();
    }

    double counter(String name, String tag, String value) {
        var c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    static byte[] addr(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
