package io.ctstream.embedded.containers;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.utility.DockerImageName;

/**
 * A Kafka broker (apache/kafka, KRaft) and Confluent's own schema registry (cp-schema-registry) in
 * containers on one network: the Testcontainers tests run the serde and the pipeline against what a
 * real deployment runs, where the embedded default runs Apicurio. Images come from the system
 * properties {@code ctstream.test.kafka.image} and {@code ctstream.test.schema-registry.image} (set
 * by the root pom), so a mirror or another version is one {@code -D} away.
 *
 * <p>Use it as a {@code @Container} of a {@code @Testcontainers(disabledWithoutDocker = true)}
 * class: without Docker the class is reported as skipped and nothing here is started.
 */
public final class ConfluentContainers implements Startable {
    private static final String KAFKA_ALIAS = "kafka";

    private final Network network = Network.newNetwork();
    private final KafkaContainer kafka;
    private final GenericContainer<?> registry;

    @SuppressWarnings("resource") // closed by stop()
    public ConfluentContainers() {
        kafka =
                new KafkaContainer(
                                DockerImageName.parse(
                                        image("ctstream.test.kafka.image", "apache/kafka:4.3.1")))
                        .withNetwork(network)
                        .withNetworkAliases(KAFKA_ALIAS)
                        .withListener(KAFKA_ALIAS + ":19092");
        registry =
                new GenericContainer<>(
                                DockerImageName.parse(
                                        image(
                                                "ctstream.test.schema-registry.image",
                                                "confluentinc/cp-schema-registry:7.9.1")))
                        .withNetwork(network)
                        .withExposedPorts(8081)
                        .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                        .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                        .withEnv(
                                "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS",
                                "PLAINTEXT://" + KAFKA_ALIAS + ":19092")
                        .dependsOn(kafka)
                        .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
    }

    private static String image(String property, String fallback) {
        String v = System.getProperty(property);
        return v == null || v.isBlank() ? fallback : v;
    }

    @Override
    public void start() {
        kafka.start();
        registry.start();
    }

    @Override
    public void stop() {
        registry.stop();
        kafka.stop();
        network.close();
    }

    /** bootstrap.servers for clients on this host. */
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    /**
     * The Confluent registry's URL as clients on this host use it (no path: Confluent's API is at
     * the root).
     */
    public String schemaRegistryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
    }
}
