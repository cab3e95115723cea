package io.ctstream.serde;

import io.ctstream.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Serde of Avro specific records in the Confluent wire format: a {@link SpecificAvroSerializer} and
 * a {@link SpecificAvroDeserializer}. Kafka Streams does not configure serdes passed to it
 * explicitly, so build configured instances with {@link AvroSerdes}.
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final SchemaRegistryClient sharedClient;
    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;

    /**
     * For instantiation by Kafka (e.g. {@code default.value.serde}); reads into the class named by
     * the writer schema unless configured.
     */
    public SpecificAvroSerde() {
        this(null, null);
    }

    /**
     * Reads into {@code type} (null: from config or the writer schema), with {@code client} shared
     * (null: one made by configure).
     */
    public SpecificAvroSerde(Class<T> type, SchemaRegistryClient client) {
        this.sharedClient = client;
        this.serializer = new SpecificAvroSerializer<>(client);
        this.deserializer = new SpecificAvroDeserializer<>(type, client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // both sides share one client (and its caches): ids the serializer registers need no fetch
        // to read back
        SchemaRegistryClient client =
                sharedClient != null
                        ? sharedClient
                        : new SchemaRegistryClient(
                                new AvroSerdeConfig(configs).registryClientConfig());
        serializer.configure(configs, isKey, client);
        deserializer.configure(configs, isKey, client);
    }

    @Override
    public SpecificAvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public SpecificAvroDeserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
