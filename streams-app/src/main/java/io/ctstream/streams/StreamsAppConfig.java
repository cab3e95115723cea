package io.ctstream.streams;

import io.ctstream.schemas.Topics;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything streams-app needs to run, in one typed object, built in one place (the launcher's
 * command or a test). Client properties are passed to Kafka Streams as they are, under the
 * settings this object owns.
 */
public final class StreamsAppConfig {
    private final String applicationId;
    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final String topicPrefix;
    private final Path stateDir;
    private final int streamThreads;
    private final int standbyReplicas;
    private final boolean exactlyOnce;
    private final int replicationFactor;
    private final Properties clientProperties;

    private StreamsAppConfig(Builder b) {
        this.applicationId = require(b.applicationId, "applicationId");
        this.bootstrapServers = require(b.bootstrapServers, "bootstrapServers");
        this.schemaRegistryUrl = require(b.schemaRegistryUrl, "schemaRegistryUrl");
        this.topicPrefix = b.topicPrefix == null ? "" : b.topicPrefix;
        this.stateDir = b.stateDir;
        this.streamThreads = positive(b.streamThreads, "streamThreads");
        if (b.standbyReplicas < 0) {
            throw new IllegalArgumentException("standbyReplicas must be >= 0, got " + b.standbyReplicas);
        }
        this.standbyReplicas = b.standbyReplicas;
        this.exactlyOnce = b.exactlyOnce;
        this.replicationFactor = b.replicationFactor;
        this.clientProperties = new Properties();
        this.clientProperties.putAll(b.clientProperties);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String applicationId() {
        return applicationId;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    public String topicPrefix() {
        return topicPrefix;
    }

    /** The full name of one of the {@link Topics}. */
    public String topic(String name) {
        return Topics.name(topicPrefix, name);
    }

    public Path stateDir() {
        return stateDir;
    }

    public int streamThreads() {
        return streamThreads;
    }

    public int standbyReplicas() {
        return standbyReplicas;
    }

    public boolean exactlyOnce() {
        return exactlyOnce;
    }

    /** Replication factor of the internal topics; -1 means the broker's default. */
    public int replicationFactor() {
        return replicationFactor;
    }

    public Properties clientProperties() {
        Properties copy = new Properties();
        copy.putAll(clientProperties);
        return copy;
    }

    private static String require(String v, String name) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }

    private static int positive(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
        return v;
    }

    /** Builder with the production defaults: exactly-once v2, one thread, no standby. */
    public static final class Builder {
        private String applicationId = "ctstream";
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private String topicPrefix = "";
        private Path stateDir;
        private int streamThreads = 1;
        private int standbyReplicas = 0;
        private boolean exactlyOnce = true;
        private int replicationFactor = -1;
        private final Properties clientProperties = new Properties();

        public Builder applicationId(String v) {
            applicationId = v;
            return this;
        }

        public Builder bootstrapServers(String v) {
            bootstrapServers = v;
            return this;
        }

        public Builder schemaRegistryUrl(String v) {
            schemaRegistryUrl = v;
            return this;
        }

        public Builder topicPrefix(String v) {
            topicPrefix = v;
            return this;
        }

        public Builder stateDir(Path v) {
            stateDir = v;
            return this;
        }

        public Builder streamThreads(int v) {
            streamThreads = v;
            return this;
        }

        public Builder standbyReplicas(int v) {
            standbyReplicas = v;
            return this;
        }

        public Builder exactlyOnce(boolean v) {
            exactlyOnce = v;
            return this;
        }

        public Builder replicationFactor(int v) {
            replicationFactor = v;
            return this;
        }

        public Builder clientProperties(Properties v) {
            Objects.requireNonNull(v, "clientProperties");
            clientProperties.putAll(v);
            return this;
        }

        public StreamsAppConfig build() {
            return new StreamsAppConfig(this);
        }
    }
}
