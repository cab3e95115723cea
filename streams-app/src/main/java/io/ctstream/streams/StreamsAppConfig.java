package io.ctstream.streams;

import io.ctstream.schemas.Topics;
import io.ctstream.streams.conntrack.ConntrackConfig;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.limits.LimitsConfig;
import io.ctstream.streams.matching.MatcherConfig;
import io.ctstream.streams.policy.VerdictPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Everything streams-app needs to run, in one typed record, built in one place: the launcher binds
 * the {@code --config} file and {@code --set} overrides onto a {@link #builder()} ({@code
 * config.StreamsKeys}), tests set what they need. Client properties are passed to Kafka Streams as
 * they are, under the settings this record owns. Every config record of streams-app has the same
 * shape: a builder that starts at the defaults, {@code defaults()}, and {@code toBuilder()}.
 *
 * @param applicationId Kafka Streams application id
 * @param topicPrefix prefix of every topic name ("" for none)
 * @param stateDir where the stores live (null: Kafka Streams' own default)
 * @param replicationFactor replication factor of the internal topics; -1 means the broker's default
 * @param clientProperties passed to the Kafka clients as they are (TLS, SASL, registry auth)
 * @param partitions partitions of the topics the application creates when they are missing
 * @param queryHost host the query server advertises to the other instances (their requests go
 *     there)
 * @param queryBindHost address the query server binds (default: the advertised host; 0.0.0.0 for
 *     every interface)
 * @param queryToken the bearer token every query request must carry (the instances send it to each
 *     other), or null for none
 * @param queryPort query server port: 0 for any free port, -1 for no query server
 * @param limits the per-task table caps of the tracker and the matcher
 * @param policy the verdict policy and its keys, or null: no policy, no verdicts
 * @param commitOnPinhole whether the tracker asks Kafka Streams to commit as soon as it has written
 *     a pinhole's ALLOW, instead of at the next {@code commit.interval.ms} ({@link
 *     io.ctstream.streams.policy.PinholeVerdicts}); off by default: the tentative copies make the
 *     ALLOW visible at once (bench README)
 * @param tentativePinholes whether ALLOWs are also published at once as tentative copies (default
 *     true; README)
 * @param sensorTopics packets come from one topic per sensor, {@code <prefix>packets.<sensor>},
 *     each attributed to its topic's sensor (issue 18; SECURITY.md), instead of the single {@code
 *     packets} topic
 * @param operatorAuditWait with a policy: how long (wall clock) an operator verdict may wait for
 *     its audit record before streams-app audits it and raises an alert
 *     (audit.OperatorVerdictAudit); default 30 s
 */
public record StreamsAppConfig(
        String applicationId,
        String bootstrapServers,
        String schemaRegistryUrl,
        String topicPrefix,
        Path stateDir,
        int streamThreads,
        int standbyReplicas,
        boolean exactlyOnce,
        int replicationFactor,
        Properties clientProperties,
        int partitions,
        String queryHost,
        String queryBindHost,
        String queryToken,
        int queryPort,
        ConntrackConfig conntrack,
        HelperConfig helpers,
        MatcherConfig matcher,
        LimitsConfig limits,
        VerdictPolicy policy,
        boolean commitOnPinhole,
        boolean tentativePinholes,
        boolean sensorTopics,
        Duration operatorAuditWait) {

    public StreamsAppConfig {
        Objects.requireNonNull(operatorAuditWait, "operatorAuditWait");
        if (operatorAuditWait.isNegative() || operatorAuditWait.isZero()) {
            throw new IllegalArgumentException(
                    "operatorAuditWait must be positive, got " + operatorAuditWait);
        }
        require(applicationId, "applicationId");
        require(bootstrapServers, "bootstrapServers");
        require(schemaRegistryUrl, "schemaRegistryUrl");
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        positive(streamThreads, "streamThreads");
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException(
                    "standbyReplicas must be >= 0, got " + standbyReplicas);
        }
        clientProperties = copy(Objects.requireNonNull(clientProperties, "clientProperties"));
        positive(partitions, "partitions");
        queryBindHost = queryBindHost == null ? queryHost : queryBindHost;
        if (queryToken != null && queryToken.strip().length() < 16) {
            throw new IllegalArgumentException(
                    "the query API token must be at least 16 characters");
        }
        queryToken = queryToken == null ? null : queryToken.strip();
        if (queryPort < -1 || queryPort > 65535) {
            throw new IllegalArgumentException(
                    "queryPort must be -1 (no query server), 0 (any) or a port, got " + queryPort);
        }
        Objects.requireNonNull(conntrack, "conntrack");
        Objects.requireNonNull(helpers, "helpers");
        Objects.requireNonNull(matcher, "matcher");
        Objects.requireNonNull(limits, "limits");
    }

    /**
     * A builder at the production defaults: exactly-once v2, one thread, no standby, no query
     * server.
     */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .applicationId(applicationId)
                .bootstrapServers(bootstrapServers)
                .schemaRegistryUrl(schemaRegistryUrl)
                .topicPrefix(topicPrefix)
                .stateDir(stateDir)
                .streamThreads(streamThreads)
                .standbyReplicas(standbyReplicas)
                .exactlyOnce(exactlyOnce)
                .replicationFactor(replicationFactor)
                .clientProperties(clientProperties)
                .partitions(partitions)
                .queryHost(queryHost)
                .queryBindHost(queryBindHost)
                .queryToken(queryToken)
                .queryPort(queryPort)
                .conntrack(conntrack)
                .helpers(helpers)
                .matcher(matcher)
                .limits(limits)
                .policy(policy)
                .commitOnPinhole(commitOnPinhole)
                .tentativePinholes(tentativePinholes)
                .sensorTopics(sensorTopics)
                .operatorAuditWait(operatorAuditWait);
    }

    /** A copy: the record stays immutable. */
    @Override
    public Properties clientProperties() {
        return copy(clientProperties);
    }

    /**
     * Without the client properties' values and the query token: they hold SASL passwords, key
     * store passwords and the registry's credentials, and a record's own toString would print them
     * wherever the config is logged.
     */
    @Override
    public String toString() {
        return "StreamsAppConfig[applicationId="
                + applicationId
                + ", bootstrapServers="
                + bootstrapServers
                + ", schemaRegistryUrl="
                + schemaRegistryUrl
                + ", topicPrefix="
                + topicPrefix
                + ", stateDir="
                + stateDir
                + ", streamThreads="
                + streamThreads
                + ", standbyReplicas="
                + standbyReplicas
                + ", exactlyOnce="
                + exactlyOnce
                + ", replicationFactor="
                + replicationFactor
                + ", clientProperties="
                + new TreeSet<>(clientProperties.stringPropertyNames())
                + ", partitions="
                + partitions
                + ", queryHost="
                + queryHost
                + ", queryBindHost="
                + queryBindHost
                + ", queryToken="
                + (queryToken == null ? "none" : "(hidden)")
                + ", queryPort="
                + queryPort
                + ", conntrack="
                + conntrack
                + ", helpers="
                + helpers
                + ", matcher="
                + matcher
                + ", limits="
                + limits
                + ", policy="
                + (policy == null ? "none" : "set")
                + ", commitOnPinhole="
                + commitOnPinhole
                + ", tentativePinholes="
                + tentativePinholes
                + ", sensorTopics="
                + sensorTopics
                + ", operatorAuditWait="
                + operatorAuditWait
                + "]";
    }

    /** The full name of one of the {@link Topics}. */
    public String topic(String name) {
        return Topics.name(topicPrefix, name);
    }

    /**
     * The serdes' configuration: the client properties (the registry's basic auth and {@code
     * schema.registry.ssl.*} come from there) with this config's registry URL.
     */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> m = new HashMap<>();
        clientProperties.forEach((k, v) -> m.put(String.valueOf(k), v));
        m.put("schema.registry.url", schemaRegistryUrl);
        return m;
    }

    /**
     * An admin client's configuration: the admin keys of the client properties (TLS, SASL) and the
     * bootstrap servers.
     */
    public Map<String, Object> adminConfig() {
        Map<String, Object> m = new HashMap<>();
        Set<String> known = AdminClientConfig.configNames();
        clientProperties.forEach(
                (k, v) -> {
                    if (known.contains(String.valueOf(k))) {
                        m.put(String.valueOf(k), v);
                    }
                });
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return m;
    }

    private static Properties copy(Properties p) {
        Properties copy = new Properties();
        copy.putAll(p);
        return copy;
    }

    private static void require(String v, String name) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static void positive(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    /** Builder starting at the defaults. */
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
        private MatcherConfig matcher = MatcherConfig.defaults();
        private LimitsConfig limits = LimitsConfig.defaults();
        private VerdictPolicy policy;
        private boolean commitOnPinhole = false;
        private boolean tentativePinholes = true;
        private boolean sensorTopics = false;
        private Duration operatorAuditWait = Duration.ofSeconds(30);

        /** See {@link StreamsAppConfig#operatorAuditWait()}. */
        public Builder operatorAuditWait(Duration v) {
            operatorAuditWait = Objects.requireNonNull(v, "operatorAuditWait");
            return this;
        }

        /**
         * Read one packets topic per sensor ({@link StreamsAppConfig#sensorTopics()}); default: the
         * single topic.
         */
        public Builder sensorTopics(boolean v) {
            sensorTopics = v;
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

        public Builder partitions(int v) {
            partitions = v;
            return this;
        }

        public Builder queryHost(String v) {
            queryHost = v;
            return this;
        }

        /**
         * Address to bind the query server to when it differs from the advertised {@link
         * #queryHost}.
         */
        public Builder queryBindHost(String v) {
            queryBindHost = v;
            return this;
        }

        /**
         * Require {@code Authorization: Bearer <token>} on the query API (null: no authentication).
         */
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

        /** Evaluate this policy and write signed verdicts (null: none). */
        public Builder policy(VerdictPolicy v) {
            policy = v;
            return this;
        }

        public Builder commitOnPinhole(boolean v) {
            commitOnPinhole = v;
            return this;
        }

        public Builder tentativePinholes(boolean v) {
            tentativePinholes = v;
            return this;
        }

        /** Adds these client properties to those already set. */
        public Builder clientProperties(Properties v) {
            clientProperties.putAll(Objects.requireNonNull(v, "clientProperties"));
            return this;
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

        public LimitsConfig limits() {
            return limits;
        }

        public StreamsAppConfig build() {
            return new StreamsAppConfig(
                    applicationId,
                    bootstrapServers,
                    schemaRegistryUrl,
                    topicPrefix,
                    stateDir,
                    streamThreads,
                    standbyReplicas,
                    exactlyOnce,
                    replicationFactor,
                    clientProperties,
                    partitions,
                    queryHost,
                    queryBindHost,
                    queryToken,
                    queryPort,
                    conntrack,
                    helpers,
                    matcher,
                    limits,
                    policy,
                    commitOnPinhole,
                    tentativePinholes,
                    sensorTopics,
                    operatorAuditWait);
        }
    }
}
