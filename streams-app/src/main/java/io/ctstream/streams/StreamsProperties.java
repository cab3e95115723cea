package io.ctstream.streams;

import io.ctstream.schemas.Topics;
import io.ctstream.streams.errors.DeadLetterDeserializationHandler;
import io.ctstream.streams.errors.DeadLetterProcessingHandler;
import io.ctstream.streams.errors.DeadLetters;
import io.ctstream.streams.storage.BoundedRocksDbMemory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Turns a {@link StreamsAppConfig} into the Kafka Streams properties the application runs with. */
public final class StreamsProperties {
    /** The producer's linger.ms unless the configuration sets one (see {@link #build}). */
    public static final String PRODUCER_LINGER_MS = "5";

    /**
     * How long a producer keeps the metadata of a topic it has not written to (Kafka's default: 5
     * minutes). A gateway can go quiet for longer than that between FTP transfers, and the first
     * send to a forgotten topic blocks the stream thread for a metadata round trip in front of the
     * pinhole; the topics written are a fixed few.
     */
    public static final String PRODUCER_METADATA_MAX_IDLE_MS = String.valueOf(24 * 60 * 60 * 1000);

    private StreamsProperties() {}

    public static Properties build(StreamsAppConfig config, MeterRegistry meters) {
        Properties p = config.clientProperties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put("schema.registry.url", config.schemaRegistryUrl());
        p.put(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                config.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        // Kafka Streams lets its producer linger 100 ms; the producer's own default (Kafka 4) is 5
        // ms. The pinhole's
        // ALLOW shares the tracker's producer, and in the pinhole bench (bench/README.md) the
        // variants lingering 5 ms
        // had the steadier tails under load. Only a default: the config file may set linger.ms
        // (either form).
        if (!p.containsKey(ProducerConfig.LINGER_MS_CONFIG)
                && !p.containsKey(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG))) {
            p.put(
                    StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                    PRODUCER_LINGER_MS);
        }
        // A task never waits for data of an input partition it has not fetched yet (-1), where
        // Kafka's default (0)
        // holds a task whose other input lags, to interleave the inputs by timestamp. Nothing here
        // needs that order:
        // the tracker's feedback follows its packets by the matcher's grace by design (the matcher
        // decides in event
        // time, streams-app README), the matcher has one input, and the policy's two inputs are
        // independent. What
        // the default costs: Kafka formats two log strings in PartitionGroup.readyToProcess for
        // every record while
        // a task's feedback partition is empty (10 % of the tracker's stream thread,
        // bench/README.md), and after
        // start a task can wait for the first fetch of an empty feedback partition in front of the
        // first pinhole.
        p.putIfAbsent(
                StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        if (!p.containsKey(ProducerConfig.METADATA_MAX_IDLE_CONFIG)
                && !p.containsKey(
                        StreamsConfig.producerPrefix(ProducerConfig.METADATA_MAX_IDLE_CONFIG))) {
            p.put(
                    StreamsConfig.producerPrefix(ProducerConfig.METADATA_MAX_IDLE_CONFIG),
                    PRODUCER_METADATA_MAX_IDLE_MS);
        }
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        // Off-heap memory bounded per JVM, whatever the number of tasks and stores
        // (BoundedRocksDbMemory); the record
        // caches in front of the stores are bounded by statestore.cache.max.bytes (Kafka's default,
        // 10 MiB, unless the
        // client properties set it).
        p.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        if (config.stateDir() != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        }
        // Poison records go to the dead-letter topic with a counted reason; the application goes
        // on.
        p.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class);
        p.put(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProcessingHandler.class);
        // The topology has no global stores today; opting in now keeps behaviour the same when it
        // does (Kafka 5.0 default).
        p.put("processing.exception.handler.global.enabled", true);
        p.put(DeadLetters.TOPIC_CONFIG, config.topic(Topics.DEAD_LETTER));
        if (meters != null) {
            p.put(DeadLetters.METER_REGISTRY_CONFIG, meters);
        }
        return p;
    }
}
