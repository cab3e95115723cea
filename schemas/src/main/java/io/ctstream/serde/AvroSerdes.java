package io.ctstream.serde;

import io.ctstream.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Ready, configured Avro serdes for explicit use (Kafka Streams topologies, producers and consumers
 * built in code).
 */
public final class AvroSerdes {
    private AvroSerdes() {}

    /**
     * A configured serde for {@code type} whose registry client is made from {@code config} ({@code
     * schema.registry.url} required, {@code auto.register.schemas} optional).
     */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> specific(
            Class<T> type, Map<String, ?> config, boolean isKey) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, null);
        serde.configure(config, isKey);
        return serde;
    }

    /**
     * A configured serde for {@code type} on a shared client, registering schemas automatically.
     */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> specific(
            Class<T> type, SchemaRegistryClient client, boolean isKey) {
        return specific(type, client, Map.of(), isKey);
    }

    /**
     * A configured serde for {@code type} on a shared client; {@code config} may set {@code
     * auto.register.schemas}.
     */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> specific(
            Class<T> type, SchemaRegistryClient client, Map<String, ?> config, boolean isKey) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, client);
        serde.configure(config, isKey);
        return serde;
    }
}
