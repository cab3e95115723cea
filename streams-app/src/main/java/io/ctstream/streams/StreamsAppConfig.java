package io.ctstream.streams;

import io.ctstream.schemas.Topics;
import io.ctstream.streams.conntrack.ConntrackConfig;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.limits.LimitsConfig;
import io.ctstream.streams.matching.MatcherConfig;
import io.ctstream.streams.policy.VerdictPolicy;
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
    private final int partitions;
    private final String queryHost;
    private final String queryBindHost;
    private final String queryToken;
    private final int queryPort;
    private final ConntrackConfig conntrack;
    private final HelperConfig helpers;
    private final MatcherConfig matcher;
    private final LimitsConfig limits;
    private final VerdictPolicy policy;
    private final boolean commitOnPinhole;
    private final boolean tentativePinholes;
    private final boolean sensorTopics;
    private final java.time.Duration operatorAuditWait;

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
        this.partitions = positive(b.partitions, "partitions");
        this.queryHost = b.queryHost;
        this.queryBindHost = b.queryBindHost == null ? b.queryHost : b.queryBindHost;
        if (b.queryToken != null && b.queryToken.strip().length() < 16) {
            throw new IllegalArgumentException("the query API token must be at least 16 characters");
        }
        this.queryToken = b.queryToken == null ? null : b.queryToken.strip();
        if (b.queryPort < -1 || b.queryPort > 65535) {
            throw new IllegalArgumentException("queryPort must be -1 (no query server), 0 (any) or a port, got " + b.queryPort);
        }
        this.queryPort = b.queryPort;
        this.conntrack = java.util.Objects.requireNonNull(b.conntrack, "conntrack");
        this.helpers = java.util.Objects.requireNonNull(b.helpers, "helpers");
        this.matcher = java.util.Objects.requireNonNull(b.matcher, "matcher");
        this.limits = java.util.Objects.requireNonNull(b.limits, "limits");
        this.policy = b.policy;
        this.commitOnPinhole = b.commitOnPinhole;
        this.tentativePinholes = b.tentativePinholes;
        this.sensorTopics = b.sensorTopics;
        if (b.operatorAuditWait.isNegative() || b.operatorAuditWait.isZero()) {
            throw new IllegalArgumentException("operatorAuditWait must be positive, got " + b.operatorAuditWait);
        }
        this.operatorAuditWait = b.operatorAuditWait;
    }

    /**
     * Whether the tracker asks Kafka Streams to commit as soon as it has written a pinhole's ALLOW (default),
     * instead of at the next {@code commit.interval.ms}: see {@link io.ctstream.streams.policy.PinholeVerdicts}.
     */
    public boolean commitOnPinhole() {
        return commitOnPinhole;
    }

    /** Whether ALLOWs are also published at once as tentative copies (default true; streams-app README). */
    public boolean tentativePinholes() {
        return tentativePinholes;
    }

    /**
     * Whether packets come from one topic per sensor, {@code <prefix>packets.<sensor>}, each attributed to its topic's
     * sensor (issue 18), instead of the single {@code packets} topic whose records name their sensor themselves.
     */
    public boolean sensorTopics() {
        return sensorTopics;
    }

    /**
     * With a policy: how long (wall clock) an operator verdict may wait for its audit record before streams-app audits
     * it and raises an alert ({@link io.ctstream.streams.audit.OperatorVerdictAudit}); default 30 s.
     */
    public java.time.Duration operatorAuditWait() {
        return operatorAuditWait;
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

    /** Partitions of the topics the application creates when they are missing. */
    public int partitions() {
        return partitions;
    }

    /** Host the query server advertises to the other instances (their requests go there). */
    public String queryHost() {
        return queryHost;
    }

    /** Address the query server binds (default: the advertised host; 0.0.0.0 for every interface). */
    public String queryBindHost() {
        return queryBindHost;
    }

    /** The bearer token every query request must carry (the instances send it to each other), or null for none. */
    public String queryToken() {
        return queryToken;
    }

    /** Query server port: 0 for any free port, -1 for no query server. */
    public int queryPort() {
        return queryPort;
    }

    public ConntrackConfig conntrack() {
        return conntrack;
    }

    public HelperConfig helpers() {
        return helpers;
    }

    public MatcherConfig matcher() {
        return matcher;
    }

    /** The per-task table caps of the tracker and the matcher. */
    public LimitsConfig limits() {
        return limits;
    }

    /** The verdict policy and its keys, or null: no policy, no verdicts. */
    public VerdictPolicy policy() {
        return policy;
    }

    public Properties clientProperties() {
        Properties copy = new Properties();
        copy.putAll(clientProperties);
        return copy;
    }

    /**
     * The serdes' configuration: the client properties (the registry's basic auth and {@code schema.registry.ssl.*}
     * come from there) with this config's registry URL.
     */
    public java.util.Map<String, Object> serdeConfig() {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        clientProperties.forEach((k, v) -> m.put(String.valueOf(k), v));
        m.put("schema.registry.url", schemaRegistryUrl);
        return m;
    }

    /** An admin client's configuration: the admin keys of the client properties (TLS, SASL) and the bootstrap servers. */
    public java.util.Map<String, Object> adminConfig() {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        java.util.Set<String> known = org.apache.kafka.clients.admin.AdminClientConfig.configNames();
        clientProperties.forEach((k, v) -> {
            if (known.contains(String.valueOf(k))) {
                m.put(String.valueOf(k), v);
            }
        });
        m.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return m;
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
        private int partitions = 4;
        private String queryHost = "127.0.0.1";
        private String queryBindHost;
        private String queryToken;
        private int queryPort = -1;
        private ConntrackConfig conntrack = ConntrackConfig.defaults();
        private HelperConfig helpers = HelperConfig.defaults();
        private MatcherConfig matcher = MatcherConfig.DEFAULTS;
        private LimitsConfig limits = LimitsConfig.DEFAULTS;
        private VerdictPolicy policy;
        private boolean commitOnPinhole = false; // the tentative copies make the ALLOW visible at once (bench README)
        private boolean tentativePinholes = true;
        private boolean sensorTopics;
        private java.time.Duration operatorAuditWait = java.time.Duration.ofSeconds(30);

        /** See {@link StreamsAppConfig#operatorAuditWait()}. */
        public Builder operatorAuditWait(java.time.Duration v) {
            operatorAuditWait = java.util.Objects.requireNonNull(v, "operatorAuditWait");
            return this;
        }

        /** Read one packets topic per sensor ({@link StreamsAppConfig#sensorTopics()}); default: the single topic. */
        public Builder sensorTopics(boolean v) {
            sensorTopics = v;
            return this;
        }

        public Builder tentativePinholes(boolean v) {
            tentativePinholes = v;
            return this;
        }

        /** Commit at once after a pinhole's ALLOW (default true; false: at the commit interval, for comparisons). */
        public Builder commitOnPinhole(boolean v) {
            commitOnPinhole = v;
            return this;
        }

        /** Evaluate this policy and write signed verdicts (null: none). */
        public Builder policy(VerdictPolicy v) {
            policy = v;
            return this;
        }

        public Builder partitions(int v) {
            partitions = v;
            return this;
        }

        public Builder queryHost(String v) {
            queryHost = v;
            return this;
        }

        /** Address to bind the query server to when it differs from the advertised {@link #queryHost}. */
        public Builder queryBindHost(String v) {
            queryBindHost = v;
            return this;
        }

        /** Require {@code Authorization: Bearer <token>} on the query API (null: no authentication). */
        public Builder queryToken(String v) {
            queryToken = v;
            return this;
        }

        public Builder queryPort(int v) {
            queryPort = v;
            return this;
        }

        public Builder conntrack(ConntrackConfig v) {
            conntrack = v;
            return this;
        }

        public Builder helpers(HelperConfig v) {
            helpers = v;
            return this;
        }

        public Builder matcher(MatcherConfig v) {
            matcher = v;
            return this;
        }

        public Builder limits(LimitsConfig v) {
            limits = v;
            return this;
        }

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
