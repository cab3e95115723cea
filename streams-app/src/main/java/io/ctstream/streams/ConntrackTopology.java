package io.ctstream.streams;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.HelperMode;
import io.ctstream.avro.OperatorAudit;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.avro.internal.MatchSlot;
import io.ctstream.avro.internal.NewConnection;
import io.ctstream.schemas.Topics;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.serde.SpecificAvroSerializer;
import io.ctstream.streams.audit.OperatorVerdictAudit;
import io.ctstream.streams.audit.StreamTimeNeutral;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.matching.ExpectationMatchProcessor;
import io.ctstream.streams.matching.MatchPartitioner;
import io.ctstream.streams.policy.PinholeVerdicts;
import io.ctstream.streams.policy.PolicyEvaluator;
import io.ctstream.streams.policy.TentativePinholes;
import io.ctstream.streams.policy.VerdictEmitter;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.streams.sensors.SensorTopics;
import io.ctstream.streams.tracking.CodecSerdes;
import io.ctstream.streams.tracking.ConnectionTrackingProcessor;
import io.ctstream.streams.tracking.PacketTimestampExtractor;
import io.ctstream.streams.tracking.TrackerInput;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
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

    /**
     * Internal topic (with a policy): operator verdicts and audit records keyed by verdict id
     * ({@link OperatorVerdictAudit}).
     */
    public static final String AUDIT_CHECK_TOPIC = "ct-audit-check";

    private ConntrackTopology() {}

    /** Every topic the topology reads or writes, by full name. */
    public static List<String> topics(StreamsAppConfig c) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                c.topic(FEEDBACK_TOPIC),
                                c.topic(MATCH_TOPIC),
                                c.topic(Topics.CONN_EVENTS),
                                c.topic(Topics.EXPECTATIONS),
                                c.topic(Topics.ALERTS),
                                c.topic(Topics.DEAD_LETTER),
                                c.topic(Topics.VERDICTS),
                                c.topic(Topics.VERDICTS_TENTATIVE)));
        if (!c.sensorTopics()) {
            all.add(0, c.topic(Topics.PACKETS)); // the sensor topics are the deployer's: one per
            // sensor, with its ACL
        }
        if (c.policy() != null) {
            all.add(c.topic(Topics.OPERATOR_AUDIT));
            all.add(c.topic(AUDIT_CHECK_TOPIC));
        }
        return List.copyOf(all);
    }

    /**
     * Topics that are keyed by flow and read by the same tasks: they must have equal partition
     * counts. With sensor topics, the feedback topic only: {@link
     * SensorTopics#requireSamePartitions} checks those, and the feedback topic is created with
     * their count.
     */
    public static List<String> coPartitioned(StreamsAppConfig c) {
        return c.sensorTopics()
                ? List.of(c.topic(FEEDBACK_TOPIC))
                : List.of(c.topic(Topics.PACKETS), c.topic(FEEDBACK_TOPIC));
    }

    public static Topology build(StreamsAppConfig config, MeterRegistry meters) {
        return build(config, meters, false);
    }

    /**
     * As {@link #build(StreamsAppConfig, MeterRegistry)}; with {@code registerSchemas}, the value
     * schema of every topic the topology writes (its changelogs included) is registered now,
     * through the very serdes its sinks and stores use, which cache the ids (and read them back
     * without a fetch). Without it each first record of a schema waits for the registry: 50-400 ms
     * per fresh subject on Apicurio, measured in the live gateway lab as over a second in front of
     * the first pinhole after start (issue 16).
     */
    public static Topology build(
            StreamsAppConfig config, MeterRegistry meters, boolean registerSchemas) {
        return build(config, meters, registerSchemas, 0);
    }

    /** Where the topology's stores live. */
    public enum StoreMode {
        /** RocksDB with a changelog topic: restartable, what every deployment runs. */
        PERSISTENT,
        /**
         * In memory, without changelog: for one run inside one process ({@code
         * inprocess.InProcessPipeline}), whose driver commits after every record and would
         * otherwise flush RocksDB, and write a changelog record, per record. Same processors, same
         * store semantics (byte-ordered keys, so the deadline indexes' range scans are the same).
         */
        IN_MEMORY
    }

    /**
     * As {@link #build(StreamsAppConfig, MeterRegistry, boolean)}, with the stores in {@code
     * stores}.
     */
    public static Topology build(
            StreamsAppConfig config,
            MeterRegistry meters,
            boolean registerSchemas,
            StoreMode stores) {
        return build(config, meters, registerSchemas, 0, null, stores);
    }

    /**
     * As {@link #build(StreamsAppConfig, MeterRegistry, boolean)}, for a packets topic of {@code
     * packetPartitions} partitions: the matcher then waits for the progress of that many trackers
     * before it decides anything (0: for those it has heard from).
     */
    public static Topology build(
            StreamsAppConfig config,
            MeterRegistry meters,
            boolean registerSchemas,
            int packetPartitions) {
        return build(config, meters, registerSchemas, packetPartitions, null);
    }

    /**
     * As above; with {@code tentative}, the tracker also publishes each ALLOW's tentative copy at
     * once.
     */
    public static Topology build(
            StreamsAppConfig config,
            MeterRegistry meters,
            boolean registerSchemas,
            int packetPartitions,
            TentativePinholes tentative) {
        return build(
                config, meters, registerSchemas, packetPartitions, tentative, StoreMode.PERSISTENT);
    }

    private static Topology build(
            StreamsAppConfig config,
            MeterRegistry meters,
            boolean registerSchemas,
            int packetPartitions,
            TentativePinholes tentative,
            StoreMode stores) {
        Map<String, Object> serdeConfig =
                config.serdeConfig(); // the registry's auth and TLS settings too
        FlowKeySerde flowKeys = new FlowKeySerde();
        Serde<String> strings = Serdes.String();
        Serde<PacketRecord> packets = AvroSerdes.specific(PacketRecord.class, serdeConfig, false);
        Serde<ExpectationEvent> expectations =
                AvroSerdes.specific(ExpectationEvent.class, serdeConfig, false);
        Serde<ConnectionEvent> connEvents =
                AvroSerdes.specific(ConnectionEvent.class, serdeConfig, false);
        Serde<Alert> alerts = AvroSerdes.specific(Alert.class, serdeConfig, false);
        Serde<MatchInput> matchInputs = AvroSerdes.specific(MatchInput.class, serdeConfig, false);
        Serde<MatchSlot> matchSlots = AvroSerdes.specific(MatchSlot.class, serdeConfig, false);
        Serde<NewConnection> newConnections =
                AvroSerdes.specific(NewConnection.class, serdeConfig, false);

        // robust mode reads a capture gap as one (the connection and its helper go on); kernel mode
        // as the kernel would
        ConnectionTracker tracker =
                new ConnectionTracker(
                        config.conntrack(), config.helpers().mode() == HelperMode.ROBUST);
        ControlChannelAnalyzer analyzer = new ControlChannelAnalyzer(config.helpers());

        Topology t = new Topology();
        // --- the conntrack table: packets and matcher feedback, both keyed by flow
        if (config.sensorTopics()) {
            // one topic per sensor, the sensor taken from the topic (issue 18; SECURITY.md): one
            // source, so partition i
            // of every sensor topic is read by task i, with partition i of the feedback topic
            SensorTopics sensors = new SensorTopics(config.topic(Topics.PACKETS));
            t.addSource(
                    AutoOffsetReset.earliest(),
                    "packets",
                    new PacketTimestampExtractor(),
                    flowKeys,
                    TrackerInput.sensorPackets(packets.deserializer(), sensors),
                    sensors.pattern());
        } else {
            t.addSource(
                    AutoOffsetReset.earliest(),
                    "packets",
                    new PacketTimestampExtractor(),
                    flowKeys,
                    TrackerInput.packets(packets.deserializer()),
                    config.topic(Topics.PACKETS));
        }
        t.addSource(
                "feedback",
                flowKeys,
                TrackerInput.feedback(expectations.deserializer()),
                config.topic(FEEDBACK_TOPIC));
        VerdictPolicy policy = config.policy();
        Serde<Verdict> verdicts =
                policy == null ? null : AvroSerdes.specific(Verdict.class, serdeConfig, false);
        Serde<OperatorAudit> audits =
                policy == null
                        ? null
                        : AvroSerdes.specific(OperatorAudit.class, serdeConfig, false);
        PolicyEvaluator evaluator = policy == null ? null : new PolicyEvaluator(policy);
        // with a policy, the tracker signs the ALLOWs of the expectations it creates
        // (PinholeVerdicts)
        PinholeVerdicts pinholes =
                policy == null
                        ? null
                        : new PinholeVerdicts(
                                evaluator, policy, meters, config.commitOnPinhole(), tentative);
        t.addProcessor(
                "tracker",
                () ->
                        new ConnectionTrackingProcessor(
                                tracker,
                                analyzer,
                                config.limits(),
                                meters,
                                pinholes,
                                packetPartitions),
                "packets",
                "feedback");
        // Record caches on the stores a packet writes: the updates of one key within a commit
        // interval reach RocksDB
        // and the changelog once (a connection is written by every packet of its flow).
        t.addStateStore(
                store(
                                stores,
                                ConnectionTrackingProcessor.CONNECTIONS,
                                flowKeys,
                                CodecSerdes.trackedConnection())
                        .withCachingEnabled(),
                "tracker");
        t.addStateStore(
                store(
                                stores,
                                ConnectionTrackingProcessor.CONNECTION_DEADLINES,
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                "tracker");
        t.addStateStore(
                store(
                                stores,
                                ConnectionTrackingProcessor.CONTROL_CHANNELS,
                                flowKeys,
                                CodecSerdes.controlChannel(config.helpers()))
                        .withCachingEnabled(),
                "tracker");
        t.addStateStore(
                store(stores, ConnectionTrackingProcessor.LIVE_EXPECTATIONS, strings, expectations)
                        .withCachingEnabled(),
                "tracker");
        t.addStateStore(
                store(stores, ConnectionTrackingProcessor.LIMITS, strings, Serdes.ByteArray()),
                "tracker");
        // written once per destroyed TCP connection and deleted when claimed or purged: cached like
        // the connections
        t.addStateStore(
                store(stores, ConnectionTrackingProcessor.DESTROYED, flowKeys, Serdes.ByteArray())
                        .withCachingEnabled(),
                "tracker");
        t.addStateStore(
                store(
                                stores,
                                ConnectionTrackingProcessor.DESTROYED_PURGES,
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                "tracker");
        t.addSink(
                ConnectionTrackingProcessor.TO_CONN_EVENTS,
                config.topic(Topics.CONN_EVENTS),
                flowKeys,
                connEvents.serializer(),
                "tracker");
        t.addSink(
                ConnectionTrackingProcessor.TO_MATCH,
                config.topic(MATCH_TOPIC),
                strings.serializer(),
                matchInputs.serializer(),
                new MatchPartitioner(),
                "tracker");
        t.addSink(
                ConnectionTrackingProcessor.TO_EXPECTATIONS,
                config.topic(Topics.EXPECTATIONS),
                strings.serializer(),
                expectations.serializer(),
                "tracker");
        t.addSink(
                ConnectionTrackingProcessor.TO_ALERTS,
                config.topic(Topics.ALERTS),
                strings.serializer(),
                alerts.serializer(),
                "tracker");
        if (policy != null) {
            t.addSink(
                    ConnectionTrackingProcessor.TO_VERDICTS,
                    config.topic(Topics.VERDICTS),
                    strings.serializer(),
                    verdicts.serializer(),
                    "tracker");
        }

        // --- the matcher: expectations and new connections meet by expected destination
        t.addSource(
                "match",
                strings.deserializer(),
                matchInputs.deserializer(),
                config.topic(MATCH_TOPIC));
        t.addProcessor(
                "matcher",
                () -> new ExpectationMatchProcessor(config.matcher(), config.limits(), meters),
                "match");
        // Cached like the tracker's: a slot is written when an expectation arrives and again when a
        // decision takes it.
        t.addStateStore(
                store(stores, ExpectationMatchProcessor.STORE, strings, matchSlots)
                        .withCachingEnabled(),
                "matcher");
        t.addStateStore(
                store(
                                stores,
                                ExpectationMatchProcessor.DEADLINES,
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                "matcher");
        t.addStateStore(
                store(stores, ExpectationMatchProcessor.LIMITS, strings, Serdes.ByteArray()),
                "matcher");
        // One small entry per waiting connection, written once and deleted once: cached, a
        // connection decided within a
        // commit interval never reaches RocksDB.
        t.addStateStore(
                store(stores, ExpectationMatchProcessor.PENDING, Serdes.Bytes(), newConnections)
                        .withCachingEnabled(),
                "matcher");
        t.addStateStore(
                store(stores, ExpectationMatchProcessor.PROGRESS, strings, Serdes.ByteArray()),
                "matcher");
        t.addSink(
                ExpectationMatchProcessor.TO_EXPECTATIONS,
                config.topic(Topics.EXPECTATIONS),
                strings.serializer(),
                expectations.serializer(),
                "matcher");
        t.addSink(
                ExpectationMatchProcessor.TO_FEEDBACK,
                config.topic(FEEDBACK_TOPIC),
                flowKeys,
                expectations.serializer(),
                "matcher");
        t.addSink(
                ExpectationMatchProcessor.TO_ALERTS,
                config.topic(Topics.ALERTS),
                strings.serializer(),
                alerts.serializer(),
                "matcher");

        // --- policy: the ends of expectations (REVOKE) and alerts (BLOCK) read back from their
        // topics → signed
        // verdicts keyed by gateway; the ALLOWs were written by the tracker above. Two sources, two
        // nodes: the two
        // topics need not have the same partition count.
        if (policy != null) {
            t.addSource(
                    "policy-expectations",
                    strings.deserializer(),
                    expectations.deserializer(),
                    config.topic(Topics.EXPECTATIONS));
            t.addSource(
                    "policy-alerts",
                    strings.deserializer(),
                    alerts.deserializer(),
                    config.topic(Topics.ALERTS));
            t.addProcessor(
                    "expectation-verdicts",
                    () -> new VerdictEmitter(evaluator, policy, meters),
                    "policy-expectations");
            t.addProcessor(
                    "alert-verdicts",
                    () -> new VerdictEmitter(evaluator, policy, meters),
                    "policy-alerts");
            t.addSink(
                    "to-verdicts",
                    config.topic(Topics.VERDICTS),
                    strings.serializer(),
                    verdicts.serializer(),
                    "expectation-verdicts",
                    "alert-verdicts");

            // --- audit of operator verdicts written without their audit record (not by 'ctstream
            // verdict'): the
            // verdicts and the audit records meet by verdict id in ct-audit-check, whatever the two
            // topics' partitions
            String verdictsTopic = config.topic(Topics.VERDICTS);
            String auditTopic = config.topic(Topics.OPERATOR_AUDIT);
            StreamTimeNeutral neutral = new StreamTimeNeutral();
            AutoOffsetReset earliest = AutoOffsetReset.earliest();
            t.addSource(
                    earliest,
                    "audit-verdicts",
                    neutral,
                    strings.deserializer(),
                    verdicts.deserializer(),
                    verdictsTopic);
            t.addProcessor(
                    "operator-verdicts",
                    () ->
                            OperatorVerdictAudit.verdicts(
                                    policy.keyring(), verdicts.serializer(), verdictsTopic),
                    "audit-verdicts");
            t.addSource(
                    earliest,
                    "audit-records",
                    neutral,
                    strings.deserializer(),
                    audits.deserializer(),
                    auditTopic);
            t.addProcessor("operator-audits", OperatorVerdictAudit::audits, "audit-records");
            t.addSink(
                    "to-audit-check",
                    config.topic(AUDIT_CHECK_TOPIC),
                    strings.serializer(),
                    Serdes.ByteArray().serializer(),
                    "operator-verdicts",
                    "operator-audits");
            t.addSource(
                    earliest,
                    "audit-check",
                    neutral,
                    strings.deserializer(),
                    Serdes.ByteArray().deserializer(),
                    config.topic(AUDIT_CHECK_TOPIC));
            t.addProcessor(
                    "audit-checker",
                    () ->
                            new OperatorVerdictAudit(
                                    config.operatorAuditWait(),
                                    verdicts.deserializer(),
                                    verdictsTopic,
                                    meters),
                    "audit-check");
            t.addStateStore(
                    store(stores, OperatorVerdictAudit.STORE, strings, Serdes.ByteArray()),
                    "audit-checker");
            t.addSink(
                    OperatorVerdictAudit.TO_AUDIT,
                    auditTopic,
                    strings.serializer(),
                    audits.serializer(),
                    "audit-checker");
            t.addSink(
                    OperatorVerdictAudit.TO_ALERTS,
                    config.topic(Topics.ALERTS),
                    strings.serializer(),
                    alerts.serializer(),
                    "audit-checker");
        }
        if (registerSchemas) {
            String app = config.applicationId();
            register(
                    connEvents, config.topic(Topics.CONN_EVENTS), ConnectionEvent.getClassSchema());
            register(matchInputs, config.topic(MATCH_TOPIC), MatchInput.getClassSchema());
            register(
                    expectations,
                    config.topic(Topics.EXPECTATIONS),
                    ExpectationEvent.getClassSchema());
            register(expectations, config.topic(FEEDBACK_TOPIC), ExpectationEvent.getClassSchema());
            register(alerts, config.topic(Topics.ALERTS), Alert.getClassSchema());
            register(
                    expectations,
                    changelog(app, ConnectionTrackingProcessor.LIVE_EXPECTATIONS),
                    ExpectationEvent.getClassSchema());
            register(
                    matchSlots,
                    changelog(app, ExpectationMatchProcessor.STORE),
                    MatchSlot.getClassSchema());
            register(
                    newConnections,
                    changelog(app, ExpectationMatchProcessor.PENDING),
                    NewConnection.getClassSchema());
            if (verdicts != null) {
                register(verdicts, config.topic(Topics.VERDICTS), Verdict.getClassSchema());
                register(
                        audits,
                        config.topic(Topics.OPERATOR_AUDIT),
                        OperatorAudit.getClassSchema());
            }
        }
        return t;
    }

    private static <K, V> StoreBuilder<KeyValueStore<K, V>> store(
            StoreMode mode, String name, Serde<K> keys, Serde<V> values) {
        if (mode == StoreMode.IN_MEMORY) {
            return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
                    .withLoggingDisabled();
        }
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values);
    }

    private static void register(Serde<?> serde, String topic, Schema schema) {
        ((SpecificAvroSerializer<?>) serde.serializer()).schemaId(topic, schema);
    }

    /**
     * Every topic {@code topology} writes: its sinks' topics and its stores' changelogs (in-memory
     * stores of {@link StoreMode#IN_MEMORY} have none, but naming them costs only a skipped
     * lookup).
     */
    public static Set<String> writtenTopics(Topology topology, String applicationId) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    topics.add(sink.topic());
                } else if (n instanceof TopologyDescription.Processor p) {
                    p.stores().forEach(store -> topics.add(changelog(applicationId, store)));
                }
            }
        }
        return topics;
    }

    /** Kafka Streams' name for a store's changelog topic. */
    private static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }
}
