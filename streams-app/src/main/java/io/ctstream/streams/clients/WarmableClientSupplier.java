package io.ctstream.streams.clients;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' clients, made as Kafka's default supplier makes them, except that every producer
 * is kept so that {@link #fetchMetadata} can load the metadata of the topics it will write before
 * the first packet.
 *
 * <p>Why: a {@code KafkaProducer} learns a topic's partitions on its first {@code send} to it, and
 * that send blocks the caller — here the stream thread — for a metadata round trip. In the live
 * gateway lab the first packets after start were processed 200-250 ms after the broker had them,
 * and the first PORT command 230 ms after that, while the thread's first records to {@code
 * conn-events}, {@code ct-match}, {@code verdicts} and the changelogs each waited for their topic's
 * metadata (issue 16). A producer also forgets a topic it has not written for {@code
 * metadata.max.idle.ms}; {@code StreamsProperties} makes that long, so that a gateway's first
 * pinhole after a quiet hour does not wait either.
 */
public final class WarmableClientSupplier implements KafkaClientSupplier {
    private static final Logger LOG = LoggerFactory.getLogger(WarmableClientSupplier.class);

    private final List<Producer<byte[], byte[]>> producers = new CopyOnWriteArrayList<>();

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        Producer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        producers.add(producer);
        return producer;
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(
                config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(
                config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(
                config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Loads the partitions of {@code topics} into every producer made so far (a producer is
     * thread-safe; this runs beside the stream threads). A topic that does not exist yet, or a
     * producer already closed, is skipped: the first send to it then waits as it would have.
     * Returns how many (producer, topic) pairs were loaded.
     */
    public int fetchMetadata(Collection<String> topics) {
        int loaded = 0;
        List<String> failed = new ArrayList<>();
        for (Producer<byte[], byte[]> producer : producers) {
            for (String topic : topics) {
                try {
                    producer.partitionsFor(topic);
                    loaded++;
                } catch (KafkaException | IllegalStateException e) {
                    failed.add(topic + " (" + e.getMessage() + ")");
                }
            }
        }
        if (!failed.isEmpty()) {
            LOG.info("producer metadata not loaded for {}", failed);
        }
        return loaded;
    }
}
