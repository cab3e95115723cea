package io.ctstream.serde;

import io.ctstream.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/**
 * Serde of Avro specific records in the Confluent wire format: a {@link SpecificAvroSerializer} and a
 * {@link SpecificAvroDeserializer}. Kafka Streams does not configure serdes passed to it explicitly, so build
 * configured instances with {@link AvroSerdes}.
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;

    /** For instantiation by Kafka (e.g. {@code default.value.serde}); reads into the class named by the writer schema unless configured. */
    public SpecificAvroSerde() {
        this(null, null);
    }

    /** Reads into {@code type} (null: from config or the writer schema), with {@code client} shared (null: one made by configure). */
    public SpecificAvroSerde(Class<T> type, SchemaRegistryClient client) {
        this.serializer = new SpecificAvroSerializer<>(client);
        this.deserializer = new SpecificAvroDeserializer<>(type, client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
