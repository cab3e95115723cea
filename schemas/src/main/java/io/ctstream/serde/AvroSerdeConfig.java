package io.ctstream.serde;

import io.ctstream.registry.SchemaRegistryClientConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.time.Duration;
import java.util.Map;

/**
 * The configuration of the Avro serializer and deserializer, read from the map Kafka passes to
 * {@code configure}. Key names follow Confluent's serializers where Confluent has one, so the same client
 * properties work with either.
 */
public final class AvroSerdeConfig extends AbstractConfig {
    /** Base URL of a Confluent-compatible schema registry, used exactly as given. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Whether the serializer registers its schema (true) or only looks it up (false). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Milliseconds to wait for a connection to the registry. */
    public static final String REGISTRY_CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    /** Milliseconds to wait for each registry answer. */
    public static final String REGISTRY_REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    /** Generated class that keys are read as, for a deserializer created without a target class. */
    public static final String SPECIFIC_KEY_TYPE = "specific.avro.key.type";
    /** Generated class that values are read as, for a deserializer created without a target class. */
    public static final String SPECIFIC_VALUE_TYPE = "specific.avro.value.type";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                    "Base URL of a Confluent-compatible schema registry, used exactly as given: http://host:8081 for "
                            + "Confluent Schema Registry, http://host:8080/apis/ccompat/v7 for Apicurio. Required unless "
                            + "the serde was given a client.")
            .define(AUTO_REGISTER_SCHEMAS, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.MEDIUM,
                    "Register the record's schema under the topic's subject (true), or only look it up (false).")
            .define(REGISTRY_CONNECT_TIMEOUT_MS, ConfigDef.Type.LONG,
                    SchemaRegistryClientConfig.DEFAULT_CONNECT_TIMEOUT.toMillis(), ConfigDef.Range.atLeast(1),
                    ConfigDef.Importance.LOW, "Milliseconds to wait for a connection to the schema registry.")
            .define(REGISTRY_REQUEST_TIMEOUT_MS, ConfigDef.Type.LONG,
                    SchemaRegistryClientConfig.DEFAULT_REQUEST_TIMEOUT.toMillis(), ConfigDef.Range.atLeast(1),
                    ConfigDef.Importance.LOW, "Milliseconds to wait for each schema registry answer.")
            .define(SPECIFIC_KEY_TYPE, ConfigDef.Type.CLASS, null, ConfigDef.Importance.LOW,
                    "Generated Avro class keys are read as (deserializer without a target class). When unset, the class "
                            + "named by the writer schema is used.")
            .define(SPECIFIC_VALUE_TYPE, ConfigDef.Type.CLASS, null, ConfigDef.Importance.LOW,
                    "Generated Avro class values are read as (deserializer without a target class). When unset, the "
                            + "class named by the writer schema is used.");

    public AvroSerdeConfig(Map<String, ?> configs) {
        super(CONFIG_DEF, configs, false);
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    /** The configured target class for keys or values, or null. */
    public Class<?> specificType(boolean isKey) {
        return getClass(isKey ? SPECIFIC_KEY_TYPE : SPECIFIC_VALUE_TYPE);
    }

    /**
     * The registry client settings.
     *
     * @throws ConfigException when {@value #SCHEMA_REGISTRY_URL} is missing or not an http(s) URL
     */
    public SchemaRegistryClientConfig registryClientConfig() {
        String url = getString(SCHEMA_REGISTRY_URL);
        if (url == null || url.isBlank()) {
            throw new ConfigException("Missing required configuration \"" + SCHEMA_REGISTRY_URL + "\": the base URL of a "
                    + "Confluent-compatible schema registry, e.g. http://localhost:8081 (Confluent) or "
                    + "http://localhost:8080/apis/ccompat/v7 (Apicurio)");
        }
        try {
            return new SchemaRegistryClientConfig(SchemaRegistryClientConfig.parseUrl(url),
                    Duration.ofMillis(getLong(REGISTRY_CONNECT_TIMEOUT_MS)),
                    Duration.ofMillis(getLong(REGISTRY_REQUEST_TIMEOUT_MS)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, e.getMessage());
        }
    }
}
