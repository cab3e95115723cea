package io.ctstream.launcher.verdict;

import io.ctstream.avro.Verdict;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes an operator's verdicts, keyed by gateway as streams-app does, in one Kafka transaction: either every
 * gateway gets its verdict or none does. A verdict id already in the topic (the same command run before) is not
 * published again.
 */
public final class OperatorPublisher {
    private final Properties kafka;
    private final String verdictsTopic;

    public OperatorPublisher(Properties kafka, String verdictsTopic) {
        this.kafka = kafka;
        this.verdictsTopic = verdictsTopic;
    }

    /** What a publication did. */
    public record Outcome(List<Verdict> published, List<Verdict> alreadyThere) {
    }

    /**
     * Publishes the verdicts whose ids are not in the topic since {@code lookBackMillis} ago (a retry within the
     * longest TTL finds its earlier copy).
     */
    public Outcome publish(List<Verdict> verdicts, long lookBackMillis) {
        Set<String> ids = verdicts.stream().map(Verdict::getVerdictId).collect(Collectors.toSet());
        Set<String> there = PublishedVerdicts.alreadyPublished(kafka, verdictsTopic,
                System.currentTimeMillis() - lookBackMillis, ids);
        List<Verdict> fresh = verdicts.stream().filter(v -> !there.contains(v.getVerdictId())).toList();
        List<Verdict> old = verdicts.stream().filter(v -> there.contains(v.getVerdictId())).toList();
        if (!fresh.isEmpty()) {
            send(fresh);
        }
        return new Outcome(fresh, old);
    }

    private void send(List<Verdict> verdicts) {
        Map<String, Object> serdeConfig = new HashMap<>();
        kafka.forEach((k, v) -> serdeConfig.put((String) k, v));
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ctstream-operator-" + UUID.randomUUID());
        try (SpecificAvroSerde<Verdict> serde = AvroSerdes.specific(Verdict.class, serdeConfig, false);
             KafkaProducer<String, Verdict> producer = new KafkaProducer<>(p, new StringSerializer(), serde.serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            try {
                for (Verdict v : verdicts) {
                    producer.send(new ProducerRecord<>(verdictsTopic, v.getGatewayId(), v));
                }
                producer.commitTransaction();
            } catch (RuntimeException e) {
                producer.abortTransaction();
                throw e;
            }
        }
    }
}
