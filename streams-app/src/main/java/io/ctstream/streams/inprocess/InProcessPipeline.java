package io.ctstream.streams.inprocess;

import io.ctstream.avro.Alert;
import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.StreamsProperties;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.tracking.ConnectionTrackingProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The whole conntrack topology run in this thread, without a broker: Kafka Streams' {@link
 * TopologyTestDriver} runs the real processors over the packets records given to {@link #pipe}, and
 * feeds every record the topology writes to one of its own source topics (the {@code ct-match}
 * re-keying, the {@code ct-feedback} loop) straight back in, before the next packet: one task that
 * owns every partition, so what a broker run does across partitions and instances happens here in
 * one deterministic order. Stores are in memory without changelogs, and processing is
 * at-least-once: the driver commits after each record, and a single process has nothing to restore
 * or fence. The registry of {@code config} may be {@code mock://SCOPE} (in this JVM): then nothing
 * at all runs outside the process.
 *
 * <p>The output topics are read as they fill, so a long capture keeps only the decoded events the
 * report needs (connection events, expectations, alerts) and not every changelog and re-keyed
 * record. Not thread-safe: one thread pipes, the same (or a later one, after a happens-before)
 * reads.
 */
public final class InProcessPipeline implements AutoCloseable {
    /** Records piped between two reads of the output topics. */
    private static final int DRAIN_EVERY = 512;

    private final StreamsAppConfig config;
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> packets;
    private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new HashMap<>();
    private final Deserializer<ConnectionEvent> connectionEvents;
    private final Deserializer<ExpectationEvent> expectationEvents;
    private final Deserializer<Alert> alertEvents;
    private final List<ConnectionEvent> connections = new ArrayList<>();
    private final List<ExpectationEvent> expectations = new ArrayList<>();
    private final List<Alert> alerts = new ArrayList<>();
    private long latestMillis = -1;
    private long piped;

    public InProcessPipeline(StreamsAppConfig config, MeterRegistry meters) {
        this.config = config;
        Properties props = StreamsProperties.build(config, meters);
        // one process, nothing to fence or to recover: transactions would only cost time per record
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        this.driver =
                new TopologyTestDriver(
                        ConntrackTopology.build(
                                config, meters, false, ConntrackTopology.StoreMode.IN_MEMORY),
                        props);
        this.packets =
                driver.createInputTopic(
                        config.topic(Topics.PACKETS),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", config.schemaRegistryUrl());
        this.connectionEvents =
                AvroSerdes.specific(ConnectionEvent.class, serdeConfig, false).deserializer();
        this.expectationEvents =
                AvroSerdes.specific(ExpectationEvent.class, serdeConfig, false).deserializer();
        this.alertEvents = AvroSerdes.specific(Alert.class, serdeConfig, false).deserializer();
    }

    public StreamsAppConfig config() {
        return config;
    }

    /**
     * One packets record as the capture agent writes it (FlowKeySerde key, registry-framed value),
     * at its timestamp.
     */
    public void pipe(byte[] key, byte[] value, long timestampMillis) {
        packets.pipeInput(new TestRecord<>(key, value, null, timestampMillis));
        latestMillis = Math.max(latestMillis, timestampMillis);
        if (++piped % DRAIN_EVERY == 0) {
            drain();
        }
    }

    /**
     * The end of the input: the tick a broker run sends ({@code StreamTimeTicks}), stamped the
     * matcher's grace after the latest packet, so the decisions the matcher delays by its grace are
     * taken. Nothing when no packet was piped.
     */
    public void end() {
        if (latestMillis >= 0) {
            Map<String, Object> serdeConfig =
                    Map.of("schema.registry.url", config.schemaRegistryUrl());
            driver.createInputTopic(
                            config.topic(ConntrackTopology.MATCH_TOPIC),
                            Serdes.String().serializer(),
                            AvroSerdes.specific(MatchInput.class, serdeConfig, false).serializer())
                    .pipeInput(
                            "tick",
                            new MatchInput(null, null, null),
                            latestMillis + config.matcher().graceMicros() / 1000 + 1000);
        }
        drain();
    }

    /** Every connection event written so far, in the order the topology wrote them. */
    public List<ConnectionEvent> connectionEvents() {
        drain();
        return List.copyOf(connections);
    }

    public List<ExpectationEvent> expectationEvents() {
        drain();
        return List.copyOf(expectations);
    }

    public List<Alert> alerts() {
        drain();
        return List.copyOf(alerts);
    }

    /**
     * The connection store's connections now (every partition's: the driver's one task owns them
     * all).
     */
    public List<Connection> liveConnections() {
        List<Connection> out = new ArrayList<>();
        try (KeyValueIterator<FlowKey, TrackedConnection> it =
                driver.<FlowKey, TrackedConnection>getKeyValueStore(
                                ConnectionTrackingProcessor.CONNECTIONS)
                        .all()) {
            it.forEachRemaining(kv -> out.add(kv.value.connection()));
        }
        return out;
    }

    /**
     * Reads every topic the topology wrote to since the last read; keeps the events the report is
     * made of.
     */
    private void drain() {
        for (String topic : driver.producedTopicNames()) {
            TestOutputTopic<byte[], byte[]> output =
                    outputs.computeIfAbsent(
                            topic,
                            t ->
                                    driver.createOutputTopic(
                                            t,
                                            new ByteArrayDeserializer(),
                                            new ByteArrayDeserializer()));
            if (output.isEmpty()) {
                continue;
            }
            List<byte[]> values = output.readValuesToList();
            if (topic.equals(config.topic(Topics.CONN_EVENTS))) {
                values.forEach(v -> connections.add(connectionEvents.deserialize(topic, v)));
            } else if (topic.equals(config.topic(Topics.EXPECTATIONS))) {
                values.forEach(v -> expectations.add(expectationEvents.deserialize(topic, v)));
            } else if (topic.equals(config.topic(Topics.ALERTS))) {
                values.forEach(v -> alerts.add(alertEvents.deserialize(topic, v)));
            }
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
