package io.ctstream.launcher.preflight;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.ctstream.capture.file.CaptureFileCheck;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.registry.SchemaRegistryClient;
import io.ctstream.registry.SchemaRegistryClientConfig;
import io.ctstream.registry.SchemaRegistryException;
import io.ctstream.serde.AvroSerdeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.LoggerFactory;

/**
 * Checks made before a command starts anything (an embedded broker, a producer, a pipeline), so
 * that a bad file or an absent service is reported at once, by name, instead of after a 40 s
 * start-up or as a flood of client warnings followed by a timeout.
 */
public final class Preflight {
    /**
     * How long a broker or registry has to answer unless {@code --connect-timeout} says otherwise.
     */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private Preflight() {}

    /**
     * Every capture exists, is readable, non-empty, pcap or pcapng, in a link type the decoder
     * reads.
     */
    public static void captureFiles(List<Path> files) {
        for (Path f : files) {
            CaptureFileCheck.check(
                    f); // its exceptions name the file: the error handler prints them as usage
            // errors
        }
    }

    /**
     * {@code out}'s directory exists, so a long run does not end in a report that cannot be
     * written.
     */
    public static void outputFile(Path out, String option) {
        if (out == null) {
            return;
        }
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw UserException.usage(option + " " + out + ": no such directory " + dir);
        }
        if (Files.isDirectory(out)) {
            throw UserException.usage(option + " " + out + ": is a directory");
        }
    }

    /**
     * {@code out}, given with {@code option}, is a directory or can be made one (its parent
     * exists).
     */
    public static void outputDirectory(Path out, String option) {
        if (out == null) {
            return;
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw UserException.usage(
                    option + " " + out + ": not a directory (Zeek logs are written into one)");
        }
        Path dir = out.toAbsolutePath().getParent();
        if (!Files.exists(out) && dir != null && !Files.isDirectory(dir)) {
            throw UserException.usage(option + " " + out + ": no such directory " + dir);
        }
    }

    /**
     * {@code file}, given with {@code option}, exists and is a readable file (the loaders' own
     * messages name less).
     */
    public static void readableFile(String option, Path file) {
        if (file == null) {
            return;
        }
        if (!Files.exists(file)) {
            throw UserException.usage(option + " " + file + ": no such file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw UserException.usage(option + " " + file + ": not a readable file");
        }
    }

    /**
     * A secret from a file (a token): readable, not accessible by the group or others (as ssh wants
     * a private key), not empty. Returns it stripped, or null when no file is given.
     */
    public static String secretFile(String option, Path file) {
        if (file == null) {
            return null;
        }
        readableFile(option, file);
        try {
            try {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
                if (!perms.substring(3).equals("------")) {
                    throw UserException.usage(
                            option
                                    + " "
                                    + file
                                    + " is accessible by others (mode "
                                    + perms
                                    + "): it holds a secret; chmod 600 "
                                    + file);
                }
            } catch (UnsupportedOperationException e) {
                // no POSIX permissions on this file system: nothing to check
            }
            String secret = Files.readString(file).strip();
            if (secret.isEmpty()) {
                throw UserException.usage(option + " " + file + ": empty");
            }
            return secret;
        } catch (IOException e) {
            throw UserException.usage(option + " " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A count option is at least {@code min}. */
    public static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw UserException.usage(option + " must be >= " + min + ", got " + value);
        }
    }

    /**
     * The schema registry at {@code url} answers {@code GET /subjects} (the Confluent API;
     * Apicurio's ccompat serves it too) within {@code timeout}. A server that answers with
     * something else (a wrong base URL) is a usage error; one that does not answer is {@code
     * UNREACHABLE}.
     */
    public static void registry(String url, Duration timeout) {
        Properties p = new Properties();
        p.setProperty("schema.registry.url", url);
        registry(p, timeout);
    }

    /**
     * The same, with the registry settings of the client properties ({@code schema.registry.url},
     * basic auth, {@code schema.registry.ssl.*}), as the components' serdes will use them.
     */
    public static void registry(Properties client, Duration timeout) {
        SchemaRegistryClientConfig config;
        try {
            Map<String, Object> serde = new HashMap<>();
            client.forEach((k, v) -> serde.put((String) k, v));
            config =
                    new AvroSerdeConfig(serde)
                            .registryClientConfig().toBuilder()
                                    .connectTimeout(timeout)
                                    .requestTimeout(timeout)
                                    .build();
        } catch (IllegalArgumentException | ConfigException e) {
            throw UserException.usage(e.getMessage(), e);
        }
        try {
            new SchemaRegistryClient(config).subjects();
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == SchemaRegistryException.NO_RESPONSE) {
                throw UserException.unreachable(
                        e.getMessage() + " (--connect-timeout: " + timeout.toSeconds() + " s)", e);
            }
            throw UserException.usage(e.getMessage(), e);
        }
    }

    /**
     * A broker of {@code kafka} (client properties: bootstrap.servers and any TLS/SASL settings)
     * answers a DescribeCluster within {@code timeout}. The Kafka clients' own loggers are turned
     * down meanwhile: an unreachable broker makes NetworkClient warn on every reconnect (65 lines
     * before the 60 s default timeout), and the one line this method throws says it all. {@code
     * topicsThatMustExist}: topics the command only writes to; a producer waits 60 s for a missing
     * one before it says so.
     */
    public static void kafka(Properties kafka, Duration timeout, String... topicsThatMustExist) {
        String bootstrap = kafka.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Properties admin = new Properties();
        // only the admin client's keys: the rest (schema.registry.url, producer settings) would
        // each log a warning
        kafka.forEach(
                (k, v) -> {
                    if (AdminClientConfig.configNames().contains(String.valueOf(k))) {
                        admin.put(k, v);
                    }
                });
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "ctstream-preflight");
        Logger kafkaLog = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        Level level = kafkaLog.getLevel();
        kafkaLog.setLevel(Level.OFF);
        Admin client = null;
        try {
            try {
                client = Admin.create(admin);
            } catch (KafkaException e) {
                // e.g. "No resolvable bootstrap urls given in bootstrap.servers"
                Throwable why = e.getCause() != null ? e.getCause() : e;
                throw UserException.usage("Kafka at " + bootstrap + ": " + why.getMessage(), e);
            }
            DescribeClusterResult cluster =
                    client.describeCluster(new DescribeClusterOptions().timeoutMs(ms));
            cluster.clusterId().get(ms + 1_000L, TimeUnit.MILLISECONDS);
            if (topicsThatMustExist.length > 0) {
                Set<String> existing =
                        client.listTopics().names().get(ms + 1_000L, TimeUnit.MILLISECONDS);
                for (String topic : topicsThatMustExist) {
                    if (!existing.contains(topic) && !autoCreatesTopics(client, cluster, ms)) {
                        throw UserException.usage(
                                "Kafka at "
                                        + bootstrap
                                        + " has no topic "
                                        + topic
                                        + " and does not "
                                        + "create topics on first use (create it, or check --topic-prefix)");
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable why = e.getCause();
            if (why
                    instanceof
                    org.apache.kafka.common.errors
                            .TimeoutException) { // qualified: the JDK's is imported
                throw unreachableKafka(bootstrap, timeout, e);
            }
            throw UserException.unreachable(
                    "Kafka at " + bootstrap + " refused us: " + why.getMessage(), why);
        } catch (TimeoutException e) {
            throw unreachableKafka(bootstrap, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UserException.unreachable(
                    "interrupted while waiting for Kafka at " + bootstrap, e);
        } finally {
            if (client != null) {
                client.close(Duration.ZERO);
            }
            kafkaLog.setLevel(level);
        }
    }

    /**
     * Whether the broker creates a topic on first use (auto.create.topics.enable; the compose
     * deployment relies on it for a capture agent started before streams-app). When we may not read
     * the broker's config, we assume it does, and the producer's own wait decides, as before this
     * check.
     */
    private static boolean autoCreatesTopics(Admin client, DescribeClusterResult cluster, int ms)
            throws InterruptedException {
        try {
            Node node = cluster.nodes().get(ms + 1_000L, TimeUnit.MILLISECONDS).iterator().next();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            Config config =
                    client.describeConfigs(List.of(broker))
                            .all()
                            .get(ms + 1_000L, TimeUnit.MILLISECONDS)
                            .get(broker);
            ConfigEntry entry = config.get("auto.create.topics.enable");
            return entry == null || !"false".equalsIgnoreCase(entry.value());
        } catch (ExecutionException | TimeoutException | NoSuchElementException e) {
            return true;
        }
    }

    private static UserException unreachableKafka(String bootstrap, Duration timeout, Exception e) {
        return UserException.unreachable(
                "Kafka at "
                        + bootstrap
                        + " did not answer within "
                        + timeout.toSeconds()
                        + " s (is a broker listening there? --connect-timeout sets the wait)",
                e);
    }
}
