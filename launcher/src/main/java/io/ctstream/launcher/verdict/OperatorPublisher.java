package io.ctstream.launcher.verdict;

import io.ctstream.avro.Alert;
import io.ctstream.avro.OperatorAudit;
import io.ctstream.avro.Verdict;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import java.io.IOException;
import java.net.InetAddress;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an operator's verdicts, keyed by gateway as streams-app does, with an {@link
 * OperatorAudit} record per verdict (the audit topic) and an {@link Alert} of type {@code
 * operator-verdict} (the alerts topic), all in one Kafka transaction: either every gateway gets its
 * verdict, its audit record and its alert, or nothing is written. A verdict id already in the topic
 * (the same command run before) is not published again.
 */
public final class OperatorPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorPublisher.class);
    private final Properties kafka;
    private final String verdictsTopic;
    private final String auditTopic;
    private final String alertsTopic;

    public OperatorPublisher(
            Properties kafka, String verdictsTopic, String auditTopic, String alertsTopic) {
        this.kafka = kafka;
        this.verdictsTopic = verdictsTopic;
        this.auditTopic = auditTopic;
        this.alertsTopic = alertsTopic;
    }

    /** What a publication did. */
    public record Outcome(List<Verdict> published, List<Verdict> alreadyThere) {}

    /**
     * Publishes the verdicts whose ids are not in the topic since {@code lookBackMillis} ago (a
     * retry within the longest TTL finds its earlier copy).
     */
    public Outcome publish(
            List<Verdict> verdicts, String user, String reason, long lookBackMillis) {
        Set<String> ids = verdicts.stream().map(Verdict::getVerdictId).collect(Collectors.toSet());
        Set<String> there =
                PublishedVerdicts.alreadyPublished(
                        kafka, verdictsTopic, System.currentTimeMillis() - lookBackMillis, ids);
        List<Verdict> fresh =
                verdicts.stream().filter(v -> !there.contains(v.getVerdictId())).toList();
        List<Verdict> old =
                verdicts.stream().filter(v -> there.contains(v.getVerdictId())).toList();
        if (!fresh.isEmpty()) {
            send(fresh, user, reason);
        }
        return new Outcome(fresh, old);
    }

    private void send(List<Verdict> verdicts, String user, String reason) {
        OutputTopics.ensure(kafka, List.of(auditTopic, alertsTopic));
        String host = hostName();
        Map<String, Object> serdeConfig = new HashMap<>();
        kafka.forEach((k, v) -> serdeConfig.put((String) k, v));
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ctstream-operator-" + UUID.randomUUID());
        try (SpecificAvroSerde<Verdict> verdictSerde =
                        AvroSerdes.specific(Verdict.class, serdeConfig, false);
                SpecificAvroSerde<OperatorAudit> auditSerde =
                        AvroSerdes.specific(OperatorAudit.class, serdeConfig, false);
                SpecificAvroSerde<Alert> alertSerde =
                        AvroSerdes.specific(Alert.class, serdeConfig, false);
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            try {
                for (Verdict v : verdicts) {
                    String gw = v.getGatewayId();
                    // serialized first: a registry that refuses a schema fails before anything is
                    // sent
                    byte[] verdict = verdictSerde.serializer().serialize(verdictsTopic, v);
                    byte[] audit =
                            auditSerde
                                    .serializer()
                                    .serialize(
                                            auditTopic, AuditRecords.audit(v, user, reason, host));
                    Alert alert = AuditRecords.alert(v, user, reason);
                    byte[] alertBytes = alertSerde.serializer().serialize(alertsTopic, alert);
                    producer.send(new ProducerRecord<>(verdictsTopic, gw, verdict));
                    producer.send(new ProducerRecord<>(auditTopic, gw, audit));
                    producer.send(new ProducerRecord<>(alertsTopic, gw, alertBytes));
                    LOG.warn("ALERT {}", alert.getMessage());
                }
                producer.commitTransaction();
            } catch (RuntimeException e) {
                producer.abortTransaction();
                throw e;
            }
        }
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }
}
