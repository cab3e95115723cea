package io.ctstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.embedded.process.ChildExitedException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedCluster.class)
class EmbeddedKafkaTest {

    @Test
    void producesAndConsumesARecord() throws Exception {
        String topic = EmbeddedCluster.uniqueTopic("roundtrip");
        EmbeddedCluster.createTopic(topic, 3);

        produce(EmbeddedCluster.bootstrapServers(), topic, "k1", "hello");

        assertThat(consumeAll(EmbeddedCluster.bootstrapServers(), topic, 1))
                .containsExactly("k1=hello");
    }

    @Test
    void topicsAreNotCreatedAutomatically() throws Exception {
        try (Admin admin = admin(EmbeddedCluster.bootstrapServers());
                KafkaProducer<String, String> producer =
                        producer(EmbeddedCluster.bootstrapServers(), 2000)) {
            String topic = EmbeddedCluster.uniqueTopic("never-created");
            // metadata for an unknown topic is never answered with a new topic: the send times out
            assertThat(producer.send(new ProducerRecord<>(topic, "k", "v")))
                    .failsWithin(Duration.ofSeconds(30));
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
        }
    }

    @Test
    void restartKeepsTheDataAndTheAddress() throws Exception {
        EmbeddedKafka kafka = EmbeddedCluster.kafka();
        String before = kafka.bootstrapServers();
        String topic = EmbeddedCluster.uniqueTopic("restart");
        kafka.createTopic(topic, 1);
        produce(before, topic, "a", "1");

        kafka.restart();

        assertThat(kafka.bootstrapServers()).isEqualTo(before);
        produce(before, topic, "b", "2");
        assertThat(consumeAll(before, topic, 2)).containsExactly("a=1", "b=2");
    }

    @Test
    void aKilledBrokerRestartsWithItsAcknowledgedData() throws Exception {
        EmbeddedKafka kafka = EmbeddedCluster.kafka();
        String topic = EmbeddedCluster.uniqueTopic("crash");
        kafka.createTopic(topic, 1);
        produce(kafka.bootstrapServers(), topic, "a", "before-crash");
        ProcessHandle broker = kafka.process();

        kafka.kill();

        assertThat(broker.isAlive()).isFalse();
        assertThat(kafka.isRunning()).isFalse();
        kafka.restart();
        assertThat(consumeAll(kafka.bootstrapServers(), topic, 1))
                .containsExactly("a=before-crash");
    }

    @Test
    void aGivenDataDirectorySurvivesANewInstanceAndStopLeavesNoProcess(@TempDir Path dir)
            throws Exception {
        String topic = "persistent-topic";
        ProcessHandle first;
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0)) {
            kafka.start();
            kafka.createTopic(topic, 2);
            produce(kafka.bootstrapServers(), topic, "k", "kept");
            first = kafka.process();
        }
        assertThat(first.isAlive()).isFalse();
        assertThat(dir.resolve("kraft/meta.properties")).exists();

        // a new instance on new ports: no re-format, the topic and its record are there
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0)) {
            kafka.start();
            try (Admin admin = admin(kafka.bootstrapServers())) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
            }
            assertThat(consumeAll(kafka.bootstrapServers(), topic, 1)).containsExactly("k=kept");
            ProcessHandle second = kafka.process();
            kafka.stop();
            assertThat(second.isAlive()).isFalse();
            assertThat(second.descendants()).isEmpty();
        }
        assertThat(dir).exists(); // a given directory is never deleted
    }

    @Test
    void aTakenPortIsAClearStartupError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                EmbeddedKafka kafka = new EmbeddedKafka(null, taken.getLocalPort())) {
            assertThatThrownBy(kafka::start)
                    .isInstanceOfSatisfying(
                            ChildExitedException.class, e -> assertThat(e.isPortClash()).isTrue())
                    .hasMessageContaining("Kafka exited")
                    .hasMessageContaining("kafka.log");
            assertThat(kafka.isRunning()).isFalse();
        }
    }

    static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = producer(bootstrap, 60_000)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
        }
    }

    static KafkaProducer<String, String> producer(String bootstrap, int maxBlockMs) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs),
                new StringSerializer(),
                new StringSerializer());
    }

    /**
     * Reads a topic from the beginning until {@code expected} records arrived; returns "key=value".
     */
    static List<String> consumeAll(String bootstrap, String topic, int expected) {
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "test-" + topic,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                for (ConsumerRecord<String, String> r :
                                        consumer.poll(Duration.ofMillis(200))) {
                                    seen.add(r.key() + "=" + r.value());
                                }
                                return seen.size() >= expected;
                            });
        }
        return seen;
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
