package io.ctstream.streams.rules;

import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.enforcement.report.RulesInForce;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import io.ctstream.verdict.ReportSigner;
import io.ctstream.verdict.VerdictKeyring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules in force on each gateway, for the query API ({@code GET /gateways/{id}/rules}): every
 * instance tails the enforcement reports and the verdicts topics itself (no consumer group,
 * read_committed, from {@code lookback} ago) and answers with {@link RulesInForce}, the same
 * function {@code ctstream verdict list} applies to the same two topics, so every instance gives
 * the same answer once it has read as far. Reports count only when signed with the gateway's key,
 * where streams-app's keyring has that gateway (with a policy); otherwise every report counts.
 */
public final class GatewayRules implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRules.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private final Properties kafka;
    private final String reportsTopic;
    private final String verdictsTopic;
    private final Map<String, Object> serdeConfig;
    private final ReportSigner signer; // null: reports are not verified
    private final VerdictKeyring keyring;
    private final Duration lookback;
    private final LongSupplier clockMicros;
    private final RulesInForce rules;
    private final Map<String, List<EnforcementReport>> reports = new HashMap<>();
    private final Map<String, Verdict> verdicts = new LinkedHashMap<>();
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private Thread thread;
    private KafkaConsumer<byte[], byte[]> consumer;
    private long undecodable;

    /**
     * @param kafka consumer properties (bootstrap servers and the clients' security settings)
     * @param keyring streams-app's keyring (verifies the reports of its gateways), or null
     * @param lookback how far back to read: the longest TTL of a verdict plus a margin
     * @param clockSkew the agents' clock skew (a rule's start is at most the verdict's expiry plus
     *     it)
     */
    public GatewayRules(
            Properties kafka,
            String reportsTopic,
            String verdictsTopic,
            Map<String, Object> serdeConfig,
            VerdictKeyring keyring,
            Duration lookback,
            Duration clockSkew,
            LongSupplier clockMicros) {
        this.kafka = kafka;
        this.reportsTopic = reportsTopic;
        this.verdictsTopic = verdictsTopic;
        this.serdeConfig = serdeConfig;
        this.keyring = keyring;
        this.signer = keyring == null ? null : new ReportSigner(keyring);
        this.lookback = lookback;
        this.clockMicros = clockMicros;
        this.rules = new RulesInForce(clockSkew.toNanos() / 1000);
    }

    /** Starts tailing on a daemon thread of its own. */
    public GatewayRules start() {
        thread = new Thread(this::run, "ctstream-gateway-rules");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** The rules in force on {@code gateway} now, oldest first. */
    public synchronized List<RulesInForce.Rule> inForce(String gateway) {
        return rules.at(
                reports.getOrDefault(gateway, List.of()), verdicts, clockMicros.getAsLong());
    }

    /**
     * Whether the first read reached the end of both topics (what was in them at start has been
     * read).
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        Properties p = new Properties();
        p.putAll(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (SpecificAvroSerde<EnforcementReport> reportSerde =
                        AvroSerdes.specific(EnforcementReport.class, serdeConfig, false);
                SpecificAvroSerde<Verdict> verdictSerde =
                        AvroSerdes.specific(Verdict.class, serdeConfig, false);
                KafkaConsumer<byte[], byte[]> c =
                        new KafkaConsumer<>(
                                p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            synchronized (this) {
                consumer = c;
            }
            Map<TopicPartition, Long> ends = assign(c);
            long nextPrune = System.nanoTime() + PRUNE_EVERY.toNanos();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    take(r, reportSerde, verdictSerde);
                }
                if (!caughtUp
                        && ends.entrySet().stream()
                                .allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                }
                if (System.nanoTime() > nextPrune) {
                    prune();
                    nextPrune = System.nanoTime() + PRUNE_EVERY.toNanos();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error(
                    "rules in force: reading {} and {} failed; the query answers what was read: {}",
                    reportsTopic,
                    verdictsTopic,
                    e.toString());
        }
    }

    /**
     * Assigns every partition of both topics (waiting for them to exist), from {@code lookback}
     * ago; their end offsets.
     */
    private Map<TopicPartition, Long> assign(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : List.of(reportsTopic, verdictsTopic)) {
            List<PartitionInfo> infos = c.partitionsFor(topic);
            while (running && (infos == null || infos.isEmpty())) {
                sleep();
                infos = c.partitionsFor(topic);
            }
            for (PartitionInfo i : infos) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
        }
        c.assign(parts);
        long since = Math.max(0, clockMicros.getAsLong() / 1000 - lookback.toMillis());
        Map<TopicPartition, Long> times = new HashMap<>();
        parts.forEach(tp -> times.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> starts = c.offsetsForTimes(times);
        Map<TopicPartition, Long> ends = c.endOffsets(parts);
        for (TopicPartition tp : parts) {
            OffsetAndTimestamp start = starts.get(tp);
            c.seek(tp, start == null ? ends.get(tp) : start.offset());
        }
        return ends;
    }

    private synchronized void take(
            ConsumerRecord<byte[], byte[]> r,
            SpecificAvroSerde<EnforcementReport> reportSerde,
            SpecificAvroSerde<Verdict> verdictSerde) {
        try {
            if (r.topic().equals(reportsTopic)) {
                EnforcementReport report =
                        reportSerde.deserializer().deserialize(r.topic(), r.headers(), r.value());
                if (report == null || report.getDryRun()) {
                    return; // a dry-run agent's rules are not in nft
                }
                if (signer != null
                        && keyring.hasGateway(report.getGatewayId())
                        && !signer.verify(report)) {
                    return; // forged or unsigned: not evidence of anything
                }
                reports.computeIfAbsent(report.getGatewayId(), g -> new ArrayList<>()).add(report);
            } else {
                Verdict v =
                        verdictSerde.deserializer().deserialize(r.topic(), r.headers(), r.value());
                if (v != null) {
                    verdicts.putIfAbsent(v.getVerdictId(), v);
                }
            }
        } catch (RuntimeException e) {
            undecodable++; // junk in either topic: skipped, as the agents skip it
        }
    }

    /** Drops what is older than the lookback: nothing that old can be in force. */
    private synchronized void prune() {
        long oldest = clockMicros.getAsLong() - lookback.toNanos() / 1000;
        for (List<EnforcementReport> list : reports.values()) {
            list.removeIf(r -> r.getReportedAtMicros() < oldest);
        }
        for (Iterator<Verdict> it = verdicts.values().iterator(); it.hasNext(); ) {
            if (it.next().getExpiresAtMicros() < oldest) {
                it.remove();
            }
        }
        if (undecodable > 0) {
            LOG.warn(
                    "rules in force: {} undecodable records skipped in {} and {}",
                    undecodable,
                    reportsTopic,
                    verdictsTopic);
            undecodable = 0;
        }
    }

    private void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (this) {
            if (consumer != null) {
                consumer.wakeup();
            }
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
