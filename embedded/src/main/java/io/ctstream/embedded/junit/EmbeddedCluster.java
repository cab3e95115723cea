package io.ctstream.embedded.junit;

import io.ctstream.embedded.EmbeddedKafka;
import io.ctstream.embedded.EmbeddedSchemaRegistry;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension sharing ONE real Kafka broker and ONE real Apicurio registry per test JVM.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedCluster.class)
 * class MyIT {
 *   String bootstrap = EmbeddedCluster.bootstrapServers();
 *   String registry  = EmbeddedCluster.schemaRegistryUrl();
 *   String topic     = EmbeddedCluster.uniqueTopic("packets");
 *   ...  EmbeddedCluster.createTopic(topic, 4);
 * }
 * }</pre>
 *
 * Each server starts on first use (a test that needs only Kafka never waits for the registry) and
 * stops when the JUnit run ends (root-store resource) or, at the latest, when the JVM exits
 * (shutdown hook; the servers' watchdogs also end them if this JVM is killed). If a fault test
 * killed or stopped the shared broker, the next {@link #bootstrapServers()} starts it again on the
 * same port with the same data.
 */
public final class EmbeddedCluster implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedCluster.class);
    private static final AtomicLong TOPIC_SEQUENCE = new AtomicLong();
    private static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);

    /*
     * Test servers start often and carry little load, on machines whose cores other builds share:
     * C1 only and the serial collector start fastest and use the least CPU.
     */
    private static final List<String> TEST_KAFKA_JVM_ARGS =
            List.of("-Xms64m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final List<String> TEST_REGISTRY_JVM_ARGS =
            List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static final Object KAFKA_LOCK = new Object();
    private static final Object REGISTRY_LOCK = new Object();
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;
    private static boolean shutdownHookAdded;

    /** JUnit instantiates extensions; the state is static (one cluster per JVM). */
    public EmbeddedCluster() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        // closed when the whole JUnit run ends, after every test class
        context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(StopAtEnd.class, k -> new StopAtEnd(), StopAtEnd.class);
    }

    /** The shared broker's {@code host:port}, starting it on first use. */
    public static String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /**
     * The shared registry's Confluent-compatible URL ({@code http://127.0.0.1:N/apis/ccompat/v7}).
     */
    public static String schemaRegistryUrl() {
        return registry().url();
    }

    /**
     * A topic name no other call in this JVM (nor in another run against the same broker) returns.
     */
    public static String uniqueTopic(String prefix) {
        String clean = prefix.replaceAll("[^a-zA-Z0-9._-]", "_");
        return String.format(
                Locale.ROOT, "%s-%s-%d", clean, RUN_ID, TOPIC_SEQUENCE.incrementAndGet());
    }

    /** Creates a topic on the shared broker (replication factor 1) and waits until it exists. */
    public static void createTopic(String name, int partitions) {
        kafka().createTopic(name, partitions);
    }

    /**
     * The shared broker, running (started or restarted as needed); for fault tests (kill, restart).
     */
    public static EmbeddedKafka kafka() {
        synchronized (KAFKA_LOCK) {
            if (kafka == null) {
                addShutdownHook();
                kafka = new EmbeddedKafka(null, 0, TEST_KAFKA_JVM_ARGS);
            }
            if (!kafka.isRunning()) {
                kafka.start();
            }
            return kafka;
        }
    }

    /** The shared registry, running. */
    public static EmbeddedSchemaRegistry registry() {
        synchronized (REGISTRY_LOCK) {
            if (registry == null) {
                addShutdownHook();
                registry = new EmbeddedSchemaRegistry(null, 0, TEST_REGISTRY_JVM_ARGS);
            }
            if (!registry.isRunning()) {
                registry.start();
            }
            return registry;
        }
    }

    /** Stops both servers and deletes their temporary data; the next use starts them again. */
    static void stopAll() {
        synchronized (KAFKA_LOCK) {
            if (kafka != null) {
                kafka.close();
                kafka = null;
            }
        }
        synchronized (REGISTRY_LOCK) {
            if (registry != null) {
                registry.close();
                registry = null;
            }
        }
    }

    private static synchronized void addShutdownHook() {
        if (!shutdownHookAdded) {
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(EmbeddedCluster::stopAll, "ctstream-embedded-cluster-stop"));
            shutdownHookAdded = true;
        }
    }

    /** Stops the shared servers when JUnit closes its root store. */
    @SuppressWarnings(
            "deprecation") // CloseableResource works on every JUnit 5 version this project may meet
    static final class StopAtEnd
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            stopAll();
        }
    }
}
