package io.ctstream.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Options every component shares: where Kafka and the schema registry are, and a properties file
 * whose entries are passed to the Kafka clients as they are (so the same binary runs against a
 * real cluster with TLS/SASL settings). Command-line options override the file.
 */
public final class ClientOptions {

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (overrides bootstrap.servers in --config).")
    String bootstrapServers;

    @Option(names = {"-r", "--schema-registry-url"}, paramLabel = "URL",
            description = "Schema registry base URL, used exactly as given (Confluent: http://host:8081; "
                    + "Apicurio: http://host:port/apis/ccompat/v7). Overrides schema.registry.url in --config.")
    String schemaRegistryUrl;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file passed to the Kafka clients; may also set bootstrap.servers, "
                    + "schema.registry.url and topic.prefix.")
    Path configFile;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "Prefix of every topic name (default: none).")
    String topicPrefix;

    /** The merged client properties: the file first, then the explicit options. */
    public Properties properties() {
        Properties props = new Properties();
        if (configFile != null) {
            try (InputStream in = Files.newInputStream(configFile)) {
                props.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --config " + configFile + ": " + e.getMessage(), e);
            }
        }
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
            throw new IllegalArgumentException("no Kafka: give --bootstrap-servers or bootstrap.servers in --config");
        }
        return v;
    }

    /** The registry URL, or a clear error when neither the option nor the file sets it. */
    public String requireSchemaRegistryUrl() {
        String v = properties().getProperty("schema.registry.url");
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("no schema registry: give --schema-registry-url or schema.registry.url in --config");
        }
        return v;
    }

    public String topicPrefix() {
        return properties().getProperty("topic.prefix", "");
    }
}
