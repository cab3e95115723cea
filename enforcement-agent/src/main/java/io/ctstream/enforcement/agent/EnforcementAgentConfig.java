package io.ctstream.enforcement.agent;

import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.enforcement.nft.NftRuleset;
import io.ctstream.schemas.Topics;
import io.ctstream.verdict.VerdictKeyring;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.LongSupplier;

/**
 * Everything the enforcement agent needs, built in one place (the launcher, or a test).
 *
 * <p>{@code kafka} holds the client properties ({@code bootstrap.servers}, {@code
 * schema.registry.url}, TLS/SASL settings), passed to the consumers, the producer and the Avro
 * serdes as they are; the agent sets its own group id, transactional id, isolation level and
 * serializers over them.
 */
public final class EnforcementAgentConfig {
    private final String gatewayId;
    private final VerdictKeyring keyring;
    private final Properties kafka;
    private final String verdictsTopic;
    private final String reportsTopic;
    private final String tentativeTopic;
    private final String groupId;
    private final String transactionalId;
    private final GateLimits limits;
    private final NftRuleset ruleset;
    private final List<String> nftCommand;
    private final boolean dryRun;
    private final PrintStream dryRunOut;
    private final Duration pollTimeout;
    private final MeterRegistry meterRegistry;
    private final LongSupplier clockMicros;
    private final PinholeListener pinholeListener;
    private final Duration snapshotBudget;

    private EnforcementAgentConfig(Builder b) {
        this.gatewayId = require(b.gatewayId, "gateway id");
        this.keyring = Objects.requireNonNull(b.keyring, "keyring");
        this.kafka = new Properties();
        this.kafka.putAll(Objects.requireNonNull(b.kafka, "kafka properties"));
        if (kafka.getProperty("bootstrap.servers", "").isBlank()) {
            throw new IllegalArgumentException("no Kafka: bootstrap.servers is not set");
        }
        if (kafka.getProperty("schema.registry.url", "").isBlank()) {
            throw new IllegalArgumentException(
                    "no schema registry: schema.registry.url is not set");
        }
        if (!keyring.hasGateway(gatewayId)) {
            throw new IllegalArgumentException(
                    "the key file has no key for gateway "
                            + gatewayId
                            + " (it has "
                            + keyring.gateways()
                            + "): every verdict would be refused");
        }
        String prefix = b.topicPrefix == null ? "" : b.topicPrefix;
        this.verdictsTopic =
                b.verdictsTopic != null ? b.verdictsTopic : Topics.name(prefix, Topics.VERDICTS);
        this.reportsTopic =
                b.reportsTopic != null ? b.reportsTopic : Topics.name(prefix, Topics.REPORTS);
        this.tentativeTopic =
                b.tentativeTopic != null
                        ? b.tentativeTopic
                        : Topics.name(prefix, Topics.VERDICTS_TENTATIVE);
        this.groupId = b.groupId != null ? b.groupId : prefix + "ctstream-enforcement-" + gatewayId;
        this.transactionalId = b.transactionalId != null ? b.transactionalId : groupId;
        this.limits = b.limits != null ? b.limits : GateLimits.defaults();
        this.ruleset = b.ruleset != null ? b.ruleset : NftRuleset.defaults();
        this.nftCommand = List.copyOf(b.nftCommand);
        if (nftCommand.isEmpty()) {
            throw new IllegalArgumentException("empty nft command");
        }
        this.dryRun = b.dryRun;
        this.dryRunOut = b.dryRunOut != null ? b.dryRunOut : System.out;
        this.pollTimeout = b.pollTimeout;
        this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
        this.clockMicros =
                b.clockMicros != null ? b.clockMicros : EnforcementAgentConfig::wallClockMicros;
        this.pinholeListener = b.pinholeListener != null ? b.pinholeListener : PinholeListener.NONE;
        if (b.snapshotBudget.isNegative() || b.snapshotBudget.isZero()) {
            throw new IllegalArgumentException(
                    "snapshot budget must be positive: " + b.snapshotBudget);
        }
        this.snapshotBudget = b.snapshotBudget;
    }

    private static String require(String v, String what) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("no " + what);
        }
        return v;
    }

    static long wallClockMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** The topic of the ALLOWs' tentative copies (streams-app's {@code TentativePinholes}). */
    public String tentativeTopic() {
        return tentativeTopic;
    }

    public PinholeListener pinholeListener() {
        return pinholeListener;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String gatewayId() {
        return gatewayId;
    }

    public VerdictKeyring keyring() {
        return keyring;
    }

    /** A copy of the client properties. */
    public Properties kafka() {
        Properties p = new Properties();
        p.putAll(kafka);
        return p;
    }

    public String verdictsTopic() {
        return verdictsTopic;
    }

    public String reportsTopic() {
        return reportsTopic;
    }

    public String groupId() {
        return groupId;
    }

    public String transactionalId() {
        return transactionalId;
    }

    public GateLimits limits() {
        return limits;
    }

    public NftRuleset ruleset() {
        return ruleset;
    }

    public List<String> nftCommand() {
        return nftCommand;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public PrintStream dryRunOut() {
        return dryRunOut;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public LongSupplier clockMicros() {
        return clockMicros;
    }

    /** How long reconciliation may spend reading each of the verdicts and reports topics. */
    public Duration snapshotBudget() {
        return snapshotBudget;
    }

    public static final class Builder {
        private PinholeListener pinholeListener;
        private String tentativeTopic;
        private String gatewayId;
        private VerdictKeyring keyring;
        private Properties kafka = new Properties();
        private String topicPrefix;
        private String verdictsTopic;
        private String reportsTopic;
        private String groupId;
        private String transactionalId;
        private GateLimits limits;
        private NftRuleset ruleset;
        private List<String> nftCommand = List.of("nft");
        private boolean dryRun;
        private PrintStream dryRunOut;
        private Duration pollTimeout = Duration.ofMillis(500);
        private MeterRegistry meterRegistry;
        private LongSupplier clockMicros;
        private Duration snapshotBudget = Duration.ofSeconds(60);

        public Builder gatewayId(String v) {
            gatewayId = v;
            return this;
        }

        public Builder keyring(VerdictKeyring v) {
            keyring = v;
            return this;
        }

        /** Kafka client properties; may hold {@code topic.prefix}, used when no topic is given. */
        public Builder kafka(Properties v) {
            kafka = v;
            if (topicPrefix == null) {
                topicPrefix = v.getProperty("topic.prefix");
            }
            return this;
        }

        public Builder topicPrefix(String v) {
            topicPrefix = v;
            return this;
        }

        public Builder verdictsTopic(String v) {
            verdictsTopic = v;
            return this;
        }

        public Builder reportsTopic(String v) {
            reportsTopic = v;
            return this;
        }

        public Builder tentativeTopic(String v) {
            tentativeTopic = v;
            return this;
        }

        public Builder groupId(String v) {
            groupId = v;
            return this;
        }

        public Builder transactionalId(String v) {
            transactionalId = v;
            return this;
        }

        public Builder limits(GateLimits v) {
            limits = v;
            return this;
        }

        public Builder ruleset(NftRuleset v) {
            ruleset = v;
            return this;
        }

        /**
         * How to run nft, e.g. {@code ["ip", "netns", "exec", "gw", "nft"]}; default {@code
         * ["nft"]}.
         */
        public Builder nftCommand(List<String> v) {
            nftCommand = v;
            return this;
        }

        public Builder dryRun(boolean v) {
            dryRun = v;
            return this;
        }

        public Builder dryRunOut(PrintStream v) {
            dryRunOut = v;
            return this;
        }

        public Builder pollTimeout(Duration v) {
            pollTimeout = v;
            return this;
        }

        public Builder meterRegistry(MeterRegistry v) {
            meterRegistry = v;
            return this;
        }

        /** Wall clock in microseconds since the epoch (tests move it). */
        public Builder clockMicros(LongSupplier v) {
            clockMicros = v;
            return this;
        }

        /** Told of every pinhole applied or removed (the SYN hold). */
        public Builder pinholeListener(PinholeListener v) {
            pinholeListener = v;
            return this;
        }

        /**
         * Time allowed to read each topic at restart (default 60 s); past it, the agent goes on
         * with what it read.
         */
        public Builder snapshotBudget(Duration v) {
            snapshotBudget = v;
            return this;
        }

        public EnforcementAgentConfig build() {
            return new EnforcementAgentConfig(this);
        }
    }
}
