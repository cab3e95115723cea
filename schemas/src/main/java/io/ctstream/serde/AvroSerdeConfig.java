package io.ctstream.serde;

import io.ctstream.registry.SchemaRegistryClientConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The configuration of the Avro serializer and deserializer, read from the map Kafka passes to
 * {@code configure}. Key names follow Confluent's serializers where Confluent has one, so the same
 * client properties work with either.
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

    /**
     * Where the registry's basic-auth credentials come from: {@code USER_INFO} or {@code URL}
     * (Confluent's names).
     */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";

    /** {@code user:password} for {@code basic.auth.credentials.source=USER_INFO}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    public static final String SSL_PROTOCOL = "schema.registry.ssl.protocol";
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

    /** Generated class that keys are read as, for a deserializer created without a target class. */
    public static final String SPECIFIC_KEY_TYPE = "specific.avro.key.type";

    /**
     * Generated class that values are read as, for a deserializer created without a target class.
     */
    public static final String SPECIFIC_VALUE_TYPE = "specific.avro.value.type";

    public static final ConfigDef CONFIG_DEF =
            new ConfigDef()
                    .define(
                            SCHEMA_REGISTRY_URL,
                            ConfigDef.Type.STRING,
                            null,
                            ConfigDef.Importance.HIGH,
                            "Base URL of a Confluent-compatible schema registry, used exactly as given: http://host:8081 for "
                                    + "Confluent Schema Registry, http://host:8080/apis/ccompat/v7 for Apicurio. Required unless "
                                    + "the serde was given a client.")
                    .define(
                            AUTO_REGISTER_SCHEMAS,
                            ConfigDef.Type.BOOLEAN,
                            true,
                            ConfigDef.Importance.MEDIUM,
                            "Register the record's schema under the topic's subject (true), or only look it up (false).")
                    .define(
                            REGISTRY_CONNECT_TIMEOUT_MS,
                            ConfigDef.Type.LONG,
                            SchemaRegistryClientConfig.DEFAULT_CONNECT_TIMEOUT.toMillis(),
                            ConfigDef.Range.atLeast(1),
                            ConfigDef.Importance.LOW,
                            "Milliseconds to wait for a connection to the schema registry.")
                    .define(
                            REGISTRY_REQUEST_TIMEOUT_MS,
                            ConfigDef.Type.LONG,
                            SchemaRegistryClientConfig.DEFAULT_REQUEST_TIMEOUT.toMillis(),
                            ConfigDef.Range.atLeast(1),
                            ConfigDef.Importance.LOW,
                            "Milliseconds to wait for each schema registry answer.")
                    .define(
                            BASIC_AUTH_CREDENTIALS_SOURCE,
                            ConfigDef.Type.STRING,
                            "URL",
                            ConfigDef.ValidString.in("URL", "USER_INFO"),
                            ConfigDef.Importance.MEDIUM,
                            "Where the registry's basic-auth credentials come from: URL (http://user:password@host:port, none "
                                    + "when the URL has no user info) or USER_INFO ("
                                    + BASIC_AUTH_USER_INFO
                                    + ").")
                    .define(
                            BASIC_AUTH_USER_INFO,
                            ConfigDef.Type.PASSWORD,
                            null,
                            ConfigDef.Importance.MEDIUM,
                            "user:password for the registry's basic authentication, with "
                                    + BASIC_AUTH_CREDENTIALS_SOURCE
                                    + "=USER_INFO.")
                    .define(
                            SSL_PROTOCOL,
                            ConfigDef.Type.STRING,
                            "TLSv1.3",
                            ConfigDef.Importance.LOW,
                            "TLS protocol to the registry.")
                    .define(
                            SSL_TRUSTSTORE_LOCATION,
                            ConfigDef.Type.STRING,
                            null,
                            ConfigDef.Importance.MEDIUM,
                            "Trust store holding the registry's certificate or its CA (default: the JVM's).")
                    .define(
                            SSL_TRUSTSTORE_PASSWORD,
                            ConfigDef.Type.PASSWORD,
                            null,
                            ConfigDef.Importance.MEDIUM,
                            "Trust store password.")
                    .define(
                            SSL_TRUSTSTORE_TYPE,
                            ConfigDef.Type.STRING,
                            "PKCS12",
                            ConfigDef.Importance.LOW,
                            "Trust store type.")
                    .define(
                            SSL_KEYSTORE_LOCATION,
                            ConfigDef.Type.STRING,
                            null,
                            ConfigDef.Importance.MEDIUM,
                            "Key store with the client certificate, for a registry that requires mTLS.")
                    .define(
                            SSL_KEYSTORE_PASSWORD,
                            ConfigDef.Type.PASSWORD,
                            null,
                            ConfigDef.Importance.MEDIUM,
                            "Key store password.")
                    .define(
                            SSL_KEYSTORE_TYPE,
                            ConfigDef.Type.STRING,
                            "PKCS12",
                            ConfigDef.Importance.LOW,
                            "Key store type.")
                    .define(
                            SSL_KEY_PASSWORD,
                            ConfigDef.Type.PASSWORD,
                            null,
                            ConfigDef.Importance.LOW,
                            "Password of the key in the key store (default: the key store's).")
                    .define(
                            SPECIFIC_KEY_TYPE,
                            ConfigDef.Type.CLASS,
                            null,
                            ConfigDef.Importance.LOW,
                            "Generated Avro class keys are read as (deserializer without a target class). When unset, the class "
                                    + "named by the writer schema is used.")
                    .define(
                            SPECIFIC_VALUE_TYPE,
                            ConfigDef.Type.CLASS,
                            null,
                            ConfigDef.Importance.LOW,
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
            throw new ConfigException(
                    "Missing required configuration \""
                            + SCHEMA_REGISTRY_URL
                            + "\": the base URL of a "
                            + "Confluent-compatible schema registry, e.g. http://localhost:8081 (Confluent) or "
                            + "http://localhost:8080/apis/ccompat/v7 (Apicurio)");
        }
        URI uri;
        try {
            uri = SchemaRegistryClientConfig.parseUrl(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, e.getMessage());
        }
        String userInfo = null;
        if (uri.getRawUserInfo()
                != null) { // never sent as part of the URL: it becomes the basic-auth header, or
            // goes
            if ("URL".equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE))) {
                userInfo = URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
            }
            try {
                uri =
                        new URI(
                                uri.getScheme(),
                                null,
                                uri.getHost(),
                                uri.getPort(),
                                uri.getPath(),
                                null,
                                null);
            } catch (URISyntaxException e) {
                throw new ConfigException(
                        SCHEMA_REGISTRY_URL, "(user info hidden)", e.getMessage());
            }
        }
        if ("USER_INFO".equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE))) {
            Password p = getPassword(BASIC_AUTH_USER_INFO);
            if (p == null || p.value().indexOf(':') < 0) {
                throw new ConfigException(
                        BASIC_AUTH_USER_INFO
                                + " must be user:password when "
                                + BASIC_AUTH_CREDENTIALS_SOURCE
                                + "=USER_INFO");
            }
            userInfo = p.value();
        }
        try {
            return new SchemaRegistryClientConfig(
                    uri,
                    Duration.ofMillis(getLong(REGISTRY_CONNECT_TIMEOUT_MS)),
                    Duration.ofMillis(getLong(REGISTRY_REQUEST_TIMEOUT_MS)),
                    userInfo,
                    RegistryTls.context(
                            getString(SSL_PROTOCOL),
                            getString(SSL_TRUSTSTORE_LOCATION),
                            value(SSL_TRUSTSTORE_PASSWORD),
                            getString(SSL_TRUSTSTORE_TYPE),
                            getString(SSL_KEYSTORE_LOCATION),
                            value(SSL_KEYSTORE_PASSWORD),
                            getString(SSL_KEYSTORE_TYPE),
                            value(SSL_KEY_PASSWORD)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, uri.toString(), e.getMessage());
        }
    }

    private String value(String passwordKey) {
        Password p = getPassword(passwordKey);
        return p == null ? null : p.value();
    }
}
