package io.ctstream.launcher.lab;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Verdict;
import io.ctstream.capture.agent.CaptureAgent;
import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.source.LiveCaptureOptions;
import io.ctstream.capture.source.LiveSource;
import io.ctstream.enforcement.agent.EnforcementAgentConfig;
import io.ctstream.enforcement.agent.PinholeListener;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.enforcement.hold.HeldPackets;
import io.ctstream.enforcement.hold.SynHoldQueue;
import io.ctstream.enforcement.nft.NftRuleset;
import io.ctstream.launcher.analyze.TopicReader;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.verdict.VerdictKeyring;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ctstream's whole pipeline on the {@link GatewayLab}'s gateway: the capture agent captures live on
 * gw's two interfaces (inbound only: each forwarded packet once), streams-app tracks and evaluates
 * a policy for gateway {@value #GATEWAY_ID} with freshly generated keys, and the enforcement agent
 * applies the verdicts to gw's nft table ({@code ip netns exec <gw> nft}). The JVM's Kafka clients
 * stay in the host namespace, next to the broker; only the capture sockets and nft live in gw.
 */
public final class LiveGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveGateway.class);
    public static final String GATEWAY_ID = "gw-live";
    public static final String SENSOR_ID = "gw-live";

    /**
     * gw's links are captured through one "any" socket (in gw: g1, g2 and lo), not one per
     * interface. With a capture thread per interface the active-mode PORT command created no
     * expectation (seen in this lab): the two threads race, so a command captured on g1 can be
     * published after the server's ACK of it captured on g2, which the tracker's TCP window check
     * then refuses. One socket delivers in the kernel's order.
     */
    static final String CAPTURE_INTERFACE = "any";

    /** The nft table the agent manages in gw. */
    public static final String TABLE = NftRuleset.defaults().table();

    /**
     * How to run it.
     *
     * @param commitIntervalMillis Kafka Streams' commit interval (Kafka's default under EOS is 100
     *     ms); the tracker commits at once after a pinhole's ALLOW, so it bounds the other hops
     *     (matcher, revocations), not the time-to-pinhole
     * @param queryPort the query API port (0: any free one, -1: none)
     */
    public record Settings(
            String bootstrapServers,
            String schemaRegistryUrl,
            String topicPrefix,
            Path workDir,
            int commitIntervalMillis,
            int queryPort) {}

    private final GatewayLab lab;
    private final Settings settings;
    private final MeterRegistry meters;
    private final LabPolicy policy;
    private StreamsApp streams;
    private CaptureAgent capture;
    private Thread captureThread;
    private EnforcementRunner agent;
    private SynHoldQueue hold;

    /**
     * How long gw holds a data connection's first packet for its pinhole: less than the client's 1
     * s SYN retry.
     */
    public static final long HOLD_MILLIS = 900;

    public LiveGateway(GatewayLab lab, Settings settings, MeterRegistry meters) {
        this.lab = lab;
        this.settings = settings;
        this.meters = meters;
        this.policy =
                LabPolicy.write(
                        settings.workDir().resolve("policy"),
                        GATEWAY_ID,
                        List.of(SENSOR_ID),
                        List.of(GatewayLab.SUBNET),
                        List.of("ftp"),
                        120,
                        Map.of("ftp-bounce", 600));
    }

    /** Starts streams-app (and waits until it runs), then the live capture on gw; not the agent. */
    public void startPipeline() throws IOException {
        Properties streamsProps = new Properties();
        streamsProps.put("commit.interval.ms", String.valueOf(settings.commitIntervalMillis()));
        StreamsAppConfig config =
                StreamsAppConfig.builder()
                        .applicationId(settings.topicPrefix() + "streams")
                        .bootstrapServers(settings.bootstrapServers())
                        .schemaRegistryUrl(settings.schemaRegistryUrl())
                        .topicPrefix(settings.topicPrefix())
                        .partitions(2)
                        .stateDir(settings.workDir().resolve("streams-state"))
                        .queryPort(settings.queryPort())
                        .clientProperties(streamsProps)
                        .policy(policy.load())
                        .build();
        streams = new StreamsApp(config, meters);
        streams.start();
        streams.awaitRunning(Duration.ofMinutes(2));

        CaptureAgentConfig captureConfig =
                CaptureAgentConfig.builder()
                        .sensorId(SENSOR_ID)
                        .topic(topic(Topics.PACKETS))
                        .clientProperties(kafka())
                        .live(
                                LiveCaptureOptions.defaults(List.of(CAPTURE_INTERFACE)).toBuilder()
                                        .netns(lab.gw())
                                        .build()
                                        .toBuilder()
                                        .inboundOnly(true)
                                        .build())
                        .build();
        capture = new CaptureAgent(captureConfig, meters);
        ((LiveSource) capture.source()).open(); // setup errors here, not on the capture thread
        captureThread =
                new Thread(
                        () -> {
                            try {
                                capture.run();
                            } catch (IOException | RuntimeException e) {
                                LOG.error(
                                        "live capture on {} stopped: {}",
                                        lab.gw(),
                                        e.getMessage(),
                                        e);
                            }
                        },
                        "live-capture-" + lab.gw());
        captureThread.start();
    }

    /**
     * Starts the enforcement agent of gw and waits until it has set up and reconciled its table.
     */
    public void startEnforcement() throws InterruptedException {
        if (agent != null) {
            return;
        }
        EnforcementAgentConfig config =
                EnforcementAgentConfig.builder()
                        .gatewayId(GATEWAY_ID)
                        .keyring(VerdictKeyring.load(policy.keyFile()))
                        .kafka(kafka())
                        .topicPrefix(settings.topicPrefix())
                        .nftCommand(lab.gwNftCommand())
                        // the lab policy opens IRC DCC pinholes from any source (wildcardSource):
                        // the agent must accept them too
                        .limits(GateLimits.defaults().toBuilder().allowWildcardSource(true).build())
                        .pollTimeout(Duration.ofMillis(100))
                        .meterRegistry(meters)
                        .pinholeListener(hold())
                        .build();
        agent = EnforcementRunner.start(config, Duration.ofSeconds(90));
    }

    /**
     * The SYN hold of gw (read inside gw's namespace): the first packet of a data connection waits
     * up to {@link #HOLD_MILLIS} for its pinhole instead of being dropped.
     */
    private PinholeListener hold() {
        if (hold == null) {
            hold =
                    SynHoldQueue.open(
                            GatewayLab.HOLD_QUEUE,
                            lab.gwNetnsPath(),
                            new HeldPackets(HOLD_MILLIS, 2_000, 4_096),
                            meters,
                            GATEWAY_ID);
        }
        return hold;
    }

    /** Stops the enforcement agent (its table and elements stay, as after a crash). */
    public void stopEnforcement() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
        if (hold != null) {
            hold.close(); // what it still held is dropped, and new first packets are dropped by
            // the kernel
            hold = null;
        }
    }

    /** How many records each topic of the run holds, for failure messages and the demo. */
    public String topicCounts() {
        TopicReader reader =
                new TopicReader(settings.bootstrapServers(), settings.schemaRegistryUrl());
        StringBuilder b = new StringBuilder();
        for (var t :
                List.of(
                        Map.entry(Topics.PACKETS, PacketRecord.class),
                        Map.entry(Topics.CONN_EVENTS, ConnectionEvent.class),
                        Map.entry(Topics.EXPECTATIONS, ExpectationEvent.class),
                        Map.entry(Topics.ALERTS, Alert.class),
                        Map.entry(Topics.VERDICTS, Verdict.class),
                        Map.entry(Topics.REPORTS, EnforcementReport.class))) {
            try {
                b.append(t.getKey())
                        .append('=')
                        .append(reader.readAll(topic(t.getKey()), t.getValue()).size())
                        .append(' ');
            } catch (RuntimeException e) {
                b.append(t.getKey()).append("=? (").append(e.getMessage()).append(") ");
            }
        }
        return b.toString().strip();
    }

    /** The full name of one of the {@link Topics} of this run. */
    public String topic(String name) {
        return Topics.name(settings.topicPrefix(), name);
    }

    public StreamsApp streams() {
        return streams;
    }

    public LabPolicy policy() {
        return policy;
    }

    /** The Kafka client properties of this run (broker, registry). */
    public Properties kafka() {
        Properties p = new Properties();
        p.put("bootstrap.servers", settings.bootstrapServers());
        p.put("schema.registry.url", settings.schemaRegistryUrl());
        return p;
    }

    @Override
    public void close() {
        stopEnforcement();
        if (capture != null) {
            capture.stop();
            try {
                captureThread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (streams != null) {
            streams.close();
        }
    }
}
