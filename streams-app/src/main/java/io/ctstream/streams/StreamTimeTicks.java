package io.ctstream.streams;

import io.ctstream.avro.internal.MatchInput;
import io.ctstream.serde.AvroSerdes;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The end of a finite input. Kafka Streams' stream time only moves with records, so after the
 * last packet the matcher would hold back, forever, the decisions it delays by its grace period
 * (an eviction is final only once no earlier-stamped connection can still arrive). A tick — an
 * empty match record stamped {@code grace} after the latest event — on every partition of the
 * match topic lets those decisions be taken, exactly as more traffic would have. Nothing else
 * moves: connections and expectations whose timeouts lie further ahead stay as they are.
 */
public final class StreamTimeTicks {
    private StreamTimeTicks() {
    }

    public static void send(Admin admin, String bootstrapServers, String schemaRegistryUrl, String matchTopic, long graceMicros) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        try {
            admin.describeTopics(java.util.List.of(matchTopic)).allTopicNames().get().get(matchTopic).partitions()
                    .forEach(p -> request.put(new TopicPartition(matchTopic, p.partition()), OffsetSpec.maxTimestamp()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = admin.listOffsets(request).all().get();
            long maxTimestamp = latest.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::timestamp)
                    .max().orElse(-1);
            if (maxTimestamp < 0) {
                return;
            }
            long tickAt = maxTimestamp + graceMicros / 1000 + 1000;
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            try (KafkaProducer<String, MatchInput> producer = new KafkaProducer<>(p, new StringSerializer(),
                    AvroSerdes.specific(MatchInput.class, Map.of("schema.registry.url", schemaRegistryUrl), false).serializer())) {
                for (TopicPartition tp : request.keySet()) {
                    producer.send(new ProducerRecord<>(matchTopic, tp.partition(), tickAt, "tick", new MatchInput(null, null))).get();
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send stream-time ticks to " + matchTopic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
