package io.ctstream.streams;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.avro.internal.MatchSlot;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.matching.ExpectationMatchProcessor;
import io.ctstream.streams.policy.PolicyEvaluator;
import io.ctstream.streams.policy.VerdictEmitter;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.streams.tracking.CodecSerdes;
import io.ctstream.streams.tracking.ConnectionTrackingProcessor;
import io.ctstream.streams.tracking.PacketTimestampExtractor;
import io.ctstream.streams.tracking.TrackerInput;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole streams-app topology, built by one method so that tests run exactly what production
 * runs. See the module README for the data flow.
 */
public final class ConntrackTopology {
    /** Internal topic: expectations and new connections keyed by expected destination. */
    public static final String MATCH_TOPIC = "ct-match";
    /** Internal topic: matcher results keyed by flow, back to the tracker. */
    public static final String FEEDBACK_TOPIC = "ct-feedback";

    private ConntrackTopology() {
    }

    /** Every topic the topology reads or writes, by full name. */
    public static List<String> topics(StreamsAppConfig c) {
        return List.of(c.topic(Topics.PACKETS), c.topic(FEEDBACK_TOPIC), c.topic(MATCH_TOPIC), c.topic(Topics.CONN_EVENTS),
                c.topic(Topics.EXPECTATIONS), c.topic(Topics.ALERTS), c.topic(Topics.DEAD_LETTER), c.topic(Topics.VERDICTS));
    }

    /** Topics that are keyed by flow and read by the same tasks: they must have equal partition counts. */
    public static List<String> coPartitioned(StreamsAppConfig c) {
        return List.of(c.topic(Topics.PACKETS), c.topic(FEEDBACK_TOPIC));
    }

    public static Topology build(StreamsAppConfig config, MeterRegistry meters) {
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", config.schemaRegistryUrl());
        FlowKeySerde flowKeys = new FlowKeySerde();
        Serde<String> strings = Serdes.String();
        Serde<PacketRecord> packets = AvroSerdes.specific(PacketRecord.class, serdeConfig, false);
        Serde<ExpectationEvent> expectations = AvroSerdes.specific(ExpectationEvent.class, serdeConfig, false);
        Serde<ConnectionEvent> connEvents = AvroSerdes.specific(ConnectionEvent.class, serdeConfig, false);
        Serde<Alert> alerts = AvroSerdes.specific(Alert.class, serdeConfig, false);
        Serde<MatchInput> matchInputs = AvroSerdes.specific(MatchInput.class, serdeConfig, false);
        Serde<MatchSlot> matchSlots = AvroSerdes.specific(MatchSlot.class, serdeConfig, false);

        ConnectionTracker tracker = new ConnectionTracker(config.conntrack());
        ControlChannelAnalyzer analyzer = new ControlChannelAnalyzer(config.helpers());

        Topology t = new Topology();
        // --- the conntrack table: packets and matcher feedback, both keyed by flow
        t.addSource(org.apache.kafka.streams.AutoOffsetReset.earliest(), "packets", new PacketTimestampExtractor(), flowKeys,
                TrackerInput.packets(packets.deserializer()), config.topic(Topics.PACKETS));
        t.addSource("feedback", flowKeys, TrackerInput.feedback(expectations.deserializer()), config.topic(FEEDBACK_TOPIC));
        t.addProcessor("tracker", () -> new ConnectionTrackingProcessor(tracker, analyzer, config.limits(), meters), "packets", "feedback");
        // Record caches on the stores a packet writes: the updates of one key within a commit interval reach RocksDB
        // and the changelog once (a connection is written by every packet of its flow).
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ConnectionTrackingProcessor.CONNECTIONS),
                flowKeys, CodecSerdes.trackedConnection()).withCachingEnabled(), "tracker");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ConnectionTrackingProcessor.CONNECTION_DEADLINES),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), "tracker");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ConnectionTrackingProcessor.CONTROL_CHANNELS),
                flowKeys, CodecSerdes.controlChannel(config.helpers())).withCachingEnabled(), "tracker");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ConnectionTrackingProcessor.LIVE_EXPECTATIONS),
                strings, expectations).withCachingEnabled(), "tracker");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ConnectionTrackingProcessor.LIMITS),
                strings, Serdes.ByteArray()), "tracker");
        t.addSink(ConnectionTrackingProcessor.TO_CONN_EVENTS, config.topic(Topics.CONN_EVENTS), flowKeys,
                connEvents.serializer(), "tracker");
        t.addSink(ConnectionTrackingProcessor.TO_MATCH, config.topic(MATCH_TOPIC), strings.serializer(),
                matchInputs.serializer(), "tracker");
        t.addSink(ConnectionTrackingProcessor.TO_EXPECTATIONS, config.topic(Topics.EXPECTATIONS), strings.serializer(),
                expectations.serializer(), "tracker");
        t.addSink(ConnectionTrackingProcessor.TO_ALERTS, config.topic(Topics.ALERTS), strings.serializer(),
                alerts.serializer(), "tracker");

        // --- the matcher: expectations and new connections meet by expected destination
        t.addSource("match", strings.deserializer(), matchInputs.deserializer(), config.topic(MATCH_TOPIC));
        t.addProcessor("matcher", () -> new ExpectationMatchProcessor(config.matcher(), config.limits(), meters), "match");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ExpectationMatchProcessor.STORE),
                strings, matchSlots), "matcher");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ExpectationMatchProcessor.DEADLINES),
                Serdes.Bytes(), Serdes.ByteArray()), "matcher");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ExpectationMatchProcessor.LIMITS),
                strings, Serdes.ByteArray()), "matcher");
        t.addSink(ExpectationMatchProcessor.TO_EXPECTATIONS, config.topic(Topics.EXPECTATIONS), strings.serializer(),
                expectations.serializer(), "matcher");
        t.addSink(ExpectationMatchProcessor.TO_FEEDBACK, config.topic(FEEDBACK_TOPIC), flowKeys,
                expectations.serializer(), "matcher");
        t.addSink(ExpectationMatchProcessor.TO_ALERTS, config.topic(Topics.ALERTS), strings.serializer(),
                alerts.serializer(), "matcher");

        // --- policy: expectations and alerts read back from their topics → signed verdicts keyed by gateway.
        // Two sources, two nodes: the two topics need not have the same partition count.
        VerdictPolicy policy = config.policy();
        if (policy != null) {
            Serde<Verdict> verdicts = AvroSerdes.specific(Verdict.class, serdeConfig, false);
            PolicyEvaluator evaluator = new PolicyEvaluator(policy);
            t.addSource("policy-expectations", strings.deserializer(), expectations.deserializer(),
                    config.topic(Topics.EXPECTATIONS));
            t.addSource("policy-alerts", strings.deserializer(), alerts.deserializer(), config.topic(Topics.ALERTS));
            t.addProcessor("expectation-verdicts", () -> new VerdictEmitter(evaluator, policy, meters), "policy-expectations");
            t.addProcessor("alert-verdicts", () -> new VerdictEmitter(evaluator, policy, meters), "policy-alerts");
            t.addSink("to-verdicts", config.topic(Topics.VERDICTS), strings.serializer(), verdicts.serializer(),
                    "expectation-verdicts", "alert-verdicts");
        }
        return t;
    }
}
