package io.ctstream.capture.publish;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

/**
 * Builds the agent's idempotent producer. It sends bytes: {@link PacketPublisher} serializes key
 * and value on the capture threads.
 */
public final class PacketProducers {
    private PacketProducers() {}

    /**
     * The defaults favour throughput with safety: lz4 batches of up to 512 KiB, 10 ms linger, and
     * always acks=all with idempotence (not overridable: the pipeline counts on no loss and no
     * duplicates). Everything else in {@code clientProperties} (TLS, SASL, tuning) wins over the
     * defaults.
     */
    public static Producer<byte[], byte[]> create(Properties clientProperties, String clientId) {
        return new KafkaProducer<>(
                properties(clientProperties, clientId),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Record format v2: the only one Kafka 4 writes. */
    private static final byte MAGIC_V2 = 2;

    /**
     * Compresses a few bytes with the codec of {@code producerProperties} ({@link #properties}), so
     * that the producer's first batch does not pay the codec's first use. Why: in the live gateway
     * lab the first {@code send} blocked 216 ms while later ones took under 1 ms, in front of the
     * first pinhole after start (issue 16). A warm-up only: any failure is ignored (the producer
     * reports real ones).
     */
    public static void warmUpCompression(Properties producerProperties) {
        String type =
                producerProperties.getProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        try (OutputStream out =
                Compression.of(type)
                        .build()
                        .wrapForOutput(new ByteBufferOutputStream(1024), MAGIC_V2)) {
            out.write(new byte[512]);
        } catch (IOException | RuntimeException e) {
            // nothing warmed; the first batch pays as before
        }
    }

    /**
     * The producer configuration {@link #create} uses (benchmarks give the same one to their
     * baselines).
     */
    public static Properties properties(Properties clientProperties, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        for (String name : clientProperties.stringPropertyNames()) {
            if (ProducerConfig.configNames().contains(name)
                    || name.startsWith("ssl.")
                    || name.startsWith("sasl.")
                    || name.equals("security.protocol")) {
                p.put(name, clientProperties.getProperty(name));
            }
        }
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }
}
