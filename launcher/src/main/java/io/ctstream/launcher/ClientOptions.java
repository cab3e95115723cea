package io.ctstream.launcher;

import io.ctstream.launcher.config.ConfigSource;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.preflight.Preflight;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Options every component shares: where Kafka and the schema registry are, and the config file with
 * ctstream's settings and the Kafka clients' (passed to the clients as they are, so the same binary
 * runs against a real cluster with TLS/SASL settings). {@code --set} overrides the file; dedicated
 * options override both.
 */
public final class ClientOptions {

    @Option(
            names = {"-b", "--bootstrap-servers"},
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (overrides bootstrap.servers in --config).")
    String bootstrapServers;

    @Option(
            names = {"-r", "--schema-registry-url"},
            paramLabel = "URL",
            description =
                    "Schema registry base URL, used exactly as given (Confluent: http://host:8081; "
                            + "Apicurio: http://host:port/apis/ccompat/v7). Overrides schema.registry.url in --config.")
    String schemaRegistryUrl;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description =
                    "Properties file: ctstream's settings (CONFIGURATION.md: timeouts, helpers, caps, ...) and "
                            + "Kafka client settings, passed to the clients as they are; may also set bootstrap.servers, "
                            + "schema.registry.url and topic.prefix.")
    Path configFile;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Sets one key as --config would, over the file (repeatable), e.g. "
                            + "--set conntrack.udp.timeout=10s.")
    Map<String, String> overrides = new LinkedHashMap<>();

    private ConfigSource source;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            description = "Prefix of every topic name (default: none).")
    String topicPrefix;

    @Option(
            names = "--connect-timeout",
            paramLabel = "SECONDS",
            description =
                    "How long Kafka and the schema registry have to answer before anything starts (default: 15).")
    int connectTimeoutSeconds = (int) Preflight.DEFAULT_CONNECT_TIMEOUT.toSeconds();

    /** The wait of {@link #requireReachable()}. */
    public Duration connectTimeout() {
        if (connectTimeoutSeconds <= 0) {
            throw UserException.usage(
                    "--connect-timeout must be > 0 seconds, got " + connectTimeoutSeconds);
        }
        return Duration.ofSeconds(connectTimeoutSeconds);
    }

    /**
     * Fails fast, naming the address, unless the schema registry and a Kafka broker answer within
     * {@code --connect-timeout}, and the topics a component only writes to exist; the components'
     * own clients would otherwise retry for a minute or more (a missing topic: 60 s, then "not
     * present in metadata").
     */
    public void requireReachable(String... topicsThatMustExist) {
        Duration timeout = connectTimeout();
        requireBootstrapServers();
        requireSchemaRegistryUrl();
        Preflight.registry(properties(), timeout); // with the file's basic auth and TLS settings
        Preflight.kafka(properties(), timeout, topicsThatMustExist);
    }

    /**
     * The file and the {@code --set} keys, read and checked once: every unknown key or bad value is
     * an error here.
     */
    public ConfigSource config() {
        if (source == null) {
            source = ConfigSource.of(configFile, overrides);
        }
        return source;
    }

    /**
     * The merged client properties: the file first, then {@code --set}, then the explicit options.
     */
    public Properties properties() {
        Properties props = config().clientProperties();
        if (bootstrapServers != null) {
            props.setProperty("bootstrap.servers", bootstrapServers);
        }
        if (schemaRegistryUrl != null) {
            props.setProperty("schema.registry.url", schemaRegistryUrl);
        }
        if (topicPrefix != null) {
            props.setProperty("topic.prefix", topicPrefix);
        }
        return props;
    }

    /** The bootstrap servers, or a clear error when neither the option nor the file sets them. */
    public String requireBootstrapServers() {
        String v = properties().getProperty("bootstrap.servers");
        if (v == null || v.isBlank()) {
            throw UserException.usage(
                    "no Kafka: give --bootstrap-servers or bootstrap.servers in --config");
        }
        return v;
    }

    /** The registry URL, or a clear error when neither the option nor the file sets it. */
    public String requireSchemaRegistryUrl() {
        String v = properties().getProperty("schema.registry.url");
        if (v == null || v.isBlank()) {
            throw UserException.usage(
                    "no schema registry: give --schema-registry-url or schema.registry.url in --config");
        }
        return v;
    }

    public String topicPrefix() {
        return properties().getProperty("topic.prefix", "");
    }
}
