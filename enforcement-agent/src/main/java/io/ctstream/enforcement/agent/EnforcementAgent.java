package io.ctstream.enforcement.agent;

import io.ctstream.avro.EnforcementOutcome;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.gate.GateDecision;
import io.ctstream.enforcement.gate.Refusal;
import io.ctstream.enforcement.gate.ReplayMemory;
import io.ctstream.enforcement.gate.VerdictGate;
import io.ctstream.enforcement.nft.DryRunNft;
import io.ctstream.enforcement.nft.NftChange;
import io.ctstream.enforcement.nft.NftCommands;
import io.ctstream.enforcement.nft.NftElement;
import io.ctstream.enforcement.nft.NftException;
import io.ctstream.enforcement.nft.NftExecutor;
import io.ctstream.enforcement.nft.NftSession;
import io.ctstream.enforcement.nft.NftSet;
import io.ctstream.registry.CompatibilityCheck;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import io.ctstream.verdict.ReportSigner;
import io.ctstream.verdict.VerdictVerifier;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the verdicts of one gateway with nftables and reports what it did with each.
 *
 * <p>On start it sets up table {@code inet ctstream} and reconciles it ({@link Reconciler}); then
 * it consumes the verdicts topic (read_committed, its own consumer group), keeps the records of its
 * gateway, checks each with the {@link VerdictGate}, applies the accepted ones of a poll as one nft
 * transaction (falling back to one transaction per verdict when the batch fails, so one bad element
 * fails only its own verdict), and writes one {@link EnforcementReport} per verdict. Reports and
 * consumer offsets are committed in one Kafka transaction (transactional, hence idempotent,
 * producer), so every verdict gets exactly one report and a crash re-delivers only unreported
 * verdicts (whose nft changes are idempotent). A Kafka error aborts the transaction and stops the
 * agent; a restart reconciles.
 */
public final class EnforcementAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnforcementAgent.class);

    /**
     * Longest life of a tentative pinhole here, whatever the copy says (streams-app sends 10 s at
     * most).
     */
    static final int MAX_TENTATIVE_TTL_SECONDS = 10;

    /**
     * How long start waits for the consumer group to assign partitions before it says it is ready
     * anyway.
     */
    private static final Duration ASSIGNMENT_WAIT = Duration.ofSeconds(30);

    /**
     * Added for a moment and removed at start (TEST-NET-1 addresses, port 9: no real traffic
     * matches it).
     */
    private static final NftElement WARM_UP_ELEMENT =
            new NftElement(NftSet.ALLOW4, "192.0.2.1 . 192.0.2.2 . 6 . 9");

    private final EnforcementAgentConfig config;
    private final EnforcementMetrics metrics;
    private final ReplayMemory replays;
    private final VerdictGate gate;
    private final NftExecutor nft;
    private final NftCommands commands;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final ReportSigner reportSigner;

    /**
     * Until when (wall clock) each element this agent added is in the table, as far as it knows: so
     * that a tentative copy never shortens its committed ALLOW. Forgets expired entries when it
     * grows; empty after a restart, where a tentative copy may at worst cut a pinhole it restored
     * to 10 s until its ALLOW is seen again.
     */
    private final Map<NftElement, Long> elementUntilMillis = new HashMap<>();

    private volatile KafkaConsumer<String, byte[]> consumer;

    /**
     * Decodes verdict values: records are fetched as bytes so that junk costs one decode, not a
     * poll each.
     */
    private SchemaIdGuard<Verdict> verdicts;

    /**
     * Attempts of an nft change that failed alone, with backoff between them (then it is reported
     * FAILED).
     */
    static final int NFT_ATTEMPTS = 3;

    /**
     * The first backoff; it doubles. Bounded so that one failing verdict holds the loop for well
     * under a second.
     */
    static final Duration NFT_BACKOFF = Duration.ofMillis(50);

    public EnforcementAgent(EnforcementAgentConfig config) {
        this.config = config;
        this.metrics = new EnforcementMetrics(config.meterRegistry(), config.gatewayId());
        this.replays = new ReplayMemory(config.limits().replayMemory());
        config.meterRegistry()
                .gauge(
                        "ctstream.enforcement.replay.memory",
                        List.of(Tag.of("gateway", config.gatewayId())),
                        replays,
                        ReplayMemory::size);
        this.gate =
                new VerdictGate(
                        config.gatewayId(),
                        new VerdictVerifier(config.keyring()),
                        config.limits(),
                        replays,
                        config.clockMicros());
        // one running nft for the verdicts' element changes: no process start in front of each
        // pinhole
        this.nft =
                config.dryRun()
                        ? new DryRunNft(config.dryRunOut())
                        : new NftSession(config.nftCommand());
        this.commands = new NftCommands(config.ruleset());
        this.reportSigner = new ReportSigner(config.keyring());
    }

    public EnforcementMetrics metrics() {
        return metrics;
    }

    /** Waits until reconciliation is done and the agent consumes new verdicts. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Reconciles, then consumes until {@link #close()} (from another thread); throws on a fatal
     * error.
     */
    @SuppressWarnings(
            "try") // the client metrics are resources only to be unbound when the clients close
    public void run() throws NftException {
        Properties kafka = config.kafka();
        ReportsTopic.ensure(kafka, config.reportsTopic());
        ReportsTopic.ensure(
                kafka, config.tentativeTopic(), "tentative verdicts", ReportsTopic.TIMEOUT);
        Map<String, Object> serdeConfig = new HashMap<>();
        kafka.forEach((k, v) -> serdeConfig.put((String) k, v));
        CompatibilityCheck.warnIfNone(serdeConfig, List.of(config.reportsTopic()));
        // a KafkaConsumer closes its deserializers: the reconciler's readers get their own serdes
        try (SpecificAvroSerde<Verdict> verdictSerde =
                        AvroSerdes.specific(Verdict.class, serdeConfig, false);
                SpecificAvroSerde<EnforcementReport> reportSerde =
                        AvroSerdes.specific(EnforcementReport.class, serdeConfig, false)) {
            SchemaIdGuard<Verdict> verdictGuard =
                    new SchemaIdGuard<>(verdictSerde.deserializer(), 64);
            SchemaIdGuard.registeredId(
                            serdeConfig,
                            config.verdictsTopic() + "-value",
                            Verdict.getClassSchema())
                    .ifPresent(verdictGuard::trust);
            SchemaIdGuard<EnforcementReport> reportGuard =
                    new SchemaIdGuard<>(reportSerde.deserializer(), 64);
            SchemaIdGuard.registeredId(
                            serdeConfig,
                            config.reportsTopic() + "-value",
                            EnforcementReport.getClassSchema())
                    .ifPresent(reportGuard::trust);
            new Reconciler(config, gate, replays, nft, commands, metrics)
                    .reconcile(reportGuard, verdictGuard);
        }
        try (SpecificAvroSerde<Verdict> verdictSerde =
                        AvroSerdes.specific(Verdict.class, serdeConfig, false);
                SpecificAvroSerde<EnforcementReport> reportSerde =
                        AvroSerdes.specific(EnforcementReport.class, serdeConfig, false)) {
            verdicts = new SchemaIdGuard<>(verdictSerde.deserializer(), 64);
            SchemaIdGuard.registeredId(
                            serdeConfig,
                            config.verdictsTopic() + "-value",
                            Verdict.getClassSchema())
                    .ifPresent(verdicts::trust);
            SchemaIdGuard.registeredId(
                            serdeConfig,
                            config.tentativeTopic() + "-value",
                            Verdict.getClassSchema())
                    .ifPresent(verdicts::trust);
            try (KafkaConsumer<String, byte[]> c =
                            new KafkaConsumer<>(
                                    consumerProperties(kafka),
                                    new StringDeserializer(),
                                    new ByteArrayDeserializer());
                    KafkaProducer<String, EnforcementReport> producer =
                            new KafkaProducer<>(
                                    producerProperties(kafka),
                                    new StringSerializer(),
                                    reportSerde.serializer());
                    // the consumer's own metrics (records-lag, fetch rates) and the report
                    // producer's, same registry
                    KafkaClientMetrics consumerMetrics = bound(new KafkaClientMetrics(c));
                    KafkaClientMetrics producerMetrics = bound(new KafkaClientMetrics(producer))) {
                consumer = c;
                if (nft instanceof NftSession session) {
                    try {
                        session.open(); // its start (the slow part) now, not in front of the first
                        // pinhole
                        // and its first element changes: 430 ms for the first pinhole after start
                        // in the live lab
                        // with none, 157 ms with a removal only (the first add into a set is the
                        // slow one)
                        session.apply(
                                commands.script(
                                        List.of(new NftChange.Add(WARM_UP_ELEMENT, 1_000))));
                        session.apply(
                                commands.script(List.of(new NftChange.Remove(WARM_UP_ELEMENT))));
                    } catch (NftException e) {
                        LOG.warn(
                                "gateway {}: no interactive nft ({}); each batch will start nft",
                                config.gatewayId(),
                                e.getMessage());
                    }
                }
                producer.initTransactions();
                // the tentative copies of ALLOWs too, published before their transaction commits
                // (streams-app README)
                c.subscribe(List.of(config.verdictsTopic(), config.tentativeTopic()));
                // Ready means consuming: the group joined and partitions assigned. Before that a
                // verdict waits for
                // the join, which on a fresh group takes the broker's initial rebalance delay (3 s
                // by default).
                long joinDeadline = System.nanoTime() + ASSIGNMENT_WAIT.toNanos();
                while (c.assignment().isEmpty()
                        && !stopping.get()
                        && System.nanoTime() < joinDeadline) {
                    pollOnce(c, producer);
                }
                if (c.assignment().isEmpty() && !stopping.get()) {
                    LOG.warn(
                            "gateway {}: no partitions of {} assigned after {}; consuming when they are",
                            config.gatewayId(),
                            config.verdictsTopic(),
                            ASSIGNMENT_WAIT);
                }
                LOG.info(
                        "gateway {}: consuming {} as group {}, reporting to {}{}",
                        config.gatewayId(),
                        config.verdictsTopic(),
                        config.groupId(),
                        config.reportsTopic(),
                        config.dryRun() ? " (dry run)" : "");
                ready.countDown();
                while (!stopping.get()) {
                    try {
                        pollOnce(c, producer);
                    } catch (WakeupException e) {
                        if (!stopping.get()) {
                            throw e;
                        }
                    }
                }
            } finally {
                consumer = null;
                nft.close();
            }
        }
    }

    private KafkaClientMetrics bound(KafkaClientMetrics metrics) {
        metrics.bindTo(config.meterRegistry());
        return metrics;
    }

    private void pollOnce(
            KafkaConsumer<String, byte[]> c, KafkaProducer<String, EnforcementReport> producer) {
        ConsumerRecords<String, byte[]> records = c.poll(config.pollTimeout());
        List<EnforcementReport> reports = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        if (records.isEmpty()) {
            return;
        }
        long receivedNanos = System.nanoTime();
        List<Pending> toApply = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            offsets.put(
                    new TopicPartition(r.topic(), r.partition()),
                    new OffsetAndMetadata(r.offset() + 1));
            Verdict v;
            try {
                v = r.value() == null ? null : verdicts.decode(r.topic(), r.headers(), r.value());
            } catch (RuntimeException e) {
                // a record that is not a Verdict: reported and skipped, never silently lost, and in
                // the poll's one
                // transaction with the rest (a topic full of junk costs a transaction per poll, not
                // per record)
                String id = r.topic() + "-" + r.partition() + "@" + r.offset();
                String why =
                        e.getCause() != null && e.getCause().getMessage() != null
                                ? e.getCause().getMessage()
                                : e.getMessage();
                LOG.warn(
                        "gateway {}: undecodable verdict record {}: {}",
                        config.gatewayId(),
                        id,
                        why);
                reports.add(
                        report(
                                id,
                                EnforcementOutcome.REFUSED,
                                Refusal.UNDECODABLE.reason() + ": " + why,
                                config.clockMicros().getAsLong(),
                                0,
                                null));
                metrics.outcome(EnforcementOutcome.REFUSED, Refusal.UNDECODABLE.reason());
                continue;
            }
            if (v == null
                    || !(config.gatewayId().equals(r.key())
                            || config.gatewayId().equals(v.getGatewayId()))) {
                metrics.ignored();
                continue;
            }
            metrics.verdict(v.getAction() == null ? "null" : v.getAction().name());
            if (v.getKeyId() != null
                    && config.keyring().scope(config.gatewayId(), v.getKeyId()).isPresent()) {
                metrics.operatorVerdict(
                        v.getAction() == null ? "null" : v.getAction().name(), v.getKeyId());
            }
            boolean tentative = r.topic().equals(config.tentativeTopic());
            if (tentative && v.getAction() != VerdictAction.ALLOW) {
                LOG.warn(
                        "gateway {}: refused tentative {} {}: only ALLOWs are tentative",
                        config.gatewayId(),
                        v.getAction(),
                        v.getVerdictId());
                metrics.outcome(EnforcementOutcome.REFUSED, Refusal.TENTATIVE_NOT_ALLOW.reason());
                toApply.add(
                        new Pending(
                                v, r.timestamp(), List.of(), Refusal.TENTATIVE_NOT_ALLOW.reason()));
                continue;
            }
            GateDecision d = gate.check(v);
            if (!d.accepted()) {
                LOG.warn(
                        "gateway {}: refused verdict {} ({}): {}",
                        config.gatewayId(),
                        v.getVerdictId(),
                        v.getReason(),
                        d.reportReason());
                metrics.outcome(EnforcementOutcome.REFUSED, d.refusal().reason());
                toApply.add(new Pending(v, r.timestamp(), List.of(), d.reportReason()));
                continue;
            }
            List<NftChange> changes = new ArrayList<>();
            for (NftElement e : d.elements()) {
                long nowMillis = System.currentTimeMillis();
                if (v.getAction() == VerdictAction.REVOKE) {
                    changes.add(new NftChange.Remove(e));
                    elementUntilMillis.remove(e);
                } else if (tentative) {
                    // Never shortens the element its committed ALLOW may already have put there
                    // (nft's add of an
                    // existing element resets its timeout on this kernel).
                    long ttl = Math.min(v.getTtlSeconds(), MAX_TENTATIVE_TTL_SECONDS) * 1000L;
                    if (elementUntilMillis.getOrDefault(e, 0L) < nowMillis + ttl) {
                        changes.add(new NftChange.Add(e, ttl));
                        elementUntilMillis.put(e, nowMillis + ttl);
                    }
                } else {
                    changes.add(new NftChange.Add(e, v.getTtlSeconds() * 1000L));
                    elementUntilMillis.put(e, nowMillis + v.getTtlSeconds() * 1000L);
                }
            }
            toApply.add(new Pending(v, r.timestamp(), changes, null));
        }
        applyAll(toApply, receivedNanos);
        if (elementUntilMillis.size() > 100_000) {
            long nowMillis = System.currentTimeMillis();
            elementUntilMillis.values().removeIf(until -> until < nowMillis);
        }
        long now = config.clockMicros().getAsLong();
        for (Pending p : toApply) {
            String id = p.verdict.getVerdictId();
            if (p.refusal != null) {
                reports.add(report(id, EnforcementOutcome.REFUSED, p.refusal, now, 0, null));
            } else if (p.error != null) {
                reports.add(
                        report(id, EnforcementOutcome.FAILED, p.error, now, p.latencyMicros, null));
            } else {
                reports.add(
                        report(
                                id,
                                EnforcementOutcome.APPLIED,
                                null,
                                now,
                                p.latencyMicros,
                                p.verdictToElementMicros));
            }
        }
        commit(producer, c, reports, offsets);
    }

    /** A verdict of this poll: its nft changes and, once applied, what happened. */
    private static final class Pending {
        final Verdict verdict;

        /**
         * The record's timestamp: the wall clock when streams-app issued the verdict (ms; negative:
         * none).
         */
        final long issuedAtMillis;

        final List<NftChange> changes;
        final String refusal;
        String error;
        long latencyMicros;

        /** Issued → element in the table, for an applied ALLOW or BLOCK; else null. */
        Long verdictToElementMicros;

        Pending(Verdict verdict, long issuedAtMillis, List<NftChange> changes, String refusal) {
            this.verdict = verdict;
            this.issuedAtMillis = issuedAtMillis;
            this.changes = changes;
            this.refusal = refusal;
        }
    }

    private void applyAll(List<Pending> batch, long receivedNanos) {
        List<Pending> accepted = batch.stream().filter(p -> p.refusal == null).toList();
        if (accepted.isEmpty()) {
            return;
        }
        List<NftChange> all = new ArrayList<>();
        accepted.forEach(p -> all.addAll(p.changes));
        try {
            if (!all.isEmpty()) { // a tentative copy of a pinhole already there changes nothing
                nft.apply(commands.script(all));
            }
            long latency = (System.nanoTime() - receivedNanos) / 1000;
            for (Pending p : accepted) {
                p.latencyMicros = latency;
            }
        } catch (NftException batchError) {
            LOG.warn(
                    "gateway {}: nft batch of {} verdicts failed ({}); applying one by one",
                    config.gatewayId(),
                    accepted.size(),
                    batchError.getMessage());
            for (Pending p : accepted) {
                p.error = applyWithRetries(commands.script(p.changes), p.verdict.getVerdictId());
                p.latencyMicros = (System.nanoTime() - receivedNanos) / 1000;
            }
        }
        long appliedAt = config.clockMicros().getAsLong();
        for (Pending p : accepted) {
            if (p.error == null && p.verdict.getAction() == VerdictAction.ALLOW) {
                config.pinholeListener()
                        .applied(p.verdict.getMatch()); // a held first packet goes through now
            } else if (p.error == null
                    && p.verdict.getAction() == VerdictAction.REVOKE
                    && p.verdict.getMatch().getDst() != null
                    && p.verdict.getMatch().getDstPort() != 0) {
                // only a REVOKE that denotes a pinhole: one of a source-only BLOCK (an operator's)
                // has no destination
                config.pinholeListener().removed(p.verdict.getMatch());
            }
        }
        for (Pending p : accepted) {
            metrics.latencyMicros(p.latencyMicros);
            if (p.error == null && p.verdict.getAction() == VerdictAction.ALLOW) {
                metrics.pinholeOpened(p.verdict.getIssuedAtMicros(), appliedAt);
            }
            // The agent's own part of the time to pinhole starts when the verdict was issued, not
            // when a poll
            // returned it: records are invisible until the issuing transaction commits, and the
            // wait for that
            // commit and for the fetch is part of what a late pinhole costs (issue 16).
            if (p.error == null
                    && p.verdict.getAction() != VerdictAction.REVOKE
                    && p.issuedAtMillis >= 0) {
                p.verdictToElementMicros = Math.max(0, appliedAt - p.issuedAtMillis * 1000);
                metrics.verdictToElement(p.verdictToElementMicros);
            }
            metrics.outcome(
                    p.error == null ? EnforcementOutcome.APPLIED : EnforcementOutcome.FAILED,
                    p.error == null ? null : "nft");
            if (p.error != null && p.verdict.getAction() == VerdictAction.BLOCK) {
                // traffic the policy says to drop still passes: an operator must know now, not from
                // a report
                metrics.blockFailed();
                LOG.error(
                        "ALERT gateway {}: BLOCK {} ({}) could not be applied after {} attempts: {}",
                        config.gatewayId(),
                        p.verdict.getVerdictId(),
                        p.verdict.getReason(),
                        NFT_ATTEMPTS,
                        p.error);
            }
            if (p.error == null) {
                LOG.info(
                        "gateway {}: applied {} {} ({}) in {} us",
                        config.gatewayId(),
                        p.verdict.getAction(),
                        p.changes.isEmpty() ? "" : p.changes.get(0).element(),
                        p.verdict.getReason(),
                        p.latencyMicros);
            }
        }
    }

    /**
     * Applies one verdict's script, retrying with backoff; null when applied, else nft's last
     * error.
     */
    private String applyWithRetries(String script, String verdictId) {
        long backoffMillis = NFT_BACKOFF.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                nft.apply(script);
                return null;
            } catch (NftException e) {
                if (attempt >= NFT_ATTEMPTS || stopping.get()) {
                    LOG.error(
                            "gateway {}: verdict {} failed after {} attempts: {}",
                            config.gatewayId(),
                            verdictId,
                            attempt,
                            e.getMessage());
                    return e.getMessage();
                }
                LOG.warn(
                        "gateway {}: verdict {} failed (attempt {}), retrying in {} ms: {}",
                        config.gatewayId(),
                        verdictId,
                        attempt,
                        backoffMillis,
                        e.getMessage());
                metrics.nftRetry();
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return e.getMessage();
                }
                backoffMillis *= 2;
            }
        }
    }

    private EnforcementReport report(
            String verdictId,
            EnforcementOutcome outcome,
            String reason,
            long now,
            long latency,
            Long verdictToElement) {
        // signed with the gateway's key: at restart the agent trusts only its own reports
        // (Reconciler)
        return reportSigner.sign(
                EnforcementReport.newBuilder()
                        .setVerdictId(verdictId)
                        .setGatewayId(config.gatewayId())
                        .setOutcome(outcome)
                        .setReason(reason)
                        .setReportedAtMicros(now)
                        .setApplyLatencyMicros(latency)
                        .setDryRun(nft.dryRun())
                        .setVerdictToElementMicros(verdictToElement)
                        .build());
    }

    private void commit(
            KafkaProducer<String, EnforcementReport> producer,
            KafkaConsumer<String, byte[]> c,
            List<EnforcementReport> reports,
            Map<TopicPartition, OffsetAndMetadata> offsets) {
        producer.beginTransaction();
        try {
            for (EnforcementReport r : reports) {
                producer.send(new ProducerRecord<>(config.reportsTopic(), config.gatewayId(), r));
            }
            producer.sendOffsetsToTransaction(offsets, c.groupMetadata());
            producer.commitTransaction();
        } catch (RuntimeException e) {
            LOG.error(
                    "gateway {}: could not commit {} reports; stopping (a restart reconciles)",
                    config.gatewayId(),
                    reports.size(),
                    e);
            try {
                producer.abortTransaction();
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private Properties consumerProperties(Properties kafka) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    private Properties producerProperties(Properties kafka) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        return p;
    }

    /** Stops the loop; {@link #run()} returns after the current batch. Safe from any thread. */
    @Override
    public void close() {
        stopping.set(true);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
