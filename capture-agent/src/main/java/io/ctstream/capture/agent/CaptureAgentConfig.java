package io.ctstream.capture.agent;

import io.ctstream.capture.batch.BatchOptions;
import io.ctstream.capture.policy.EdgePayloadPolicy;
import io.ctstream.capture.publish.OverflowPolicy;
import io.ctstream.capture.source.LiveCaptureOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything one capture agent needs, built in one place (the launcher's {@code replay} and {@code
 * capture} commands, tests, the benchmark). Exactly one source: replay files or live interfaces.
 */
public final class CaptureAgentConfig {
    /** Records queued in front of the producer unless set. */
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;

    private final String sensorId;
    private final String topic;
    private final Properties clientProperties;
    private final List<Integer> helperPorts;
    private final List<Integer> udpHelperPorts;
    private final int payloadCap;
    private final int queueCapacity;
    private final OverflowPolicy overflow;
    private final List<Path> replayFiles;
    private final double replaySpeed;
    private final LiveCaptureOptions live;
    private final boolean progress;
    private final Duration shutdownTimeout;
    private final BatchOptions batch;

    private CaptureAgentConfig(Builder b) {
        this.sensorId = require(b.sensorId, "sensor id");
        this.topic = require(b.topic, "topic");
        this.clientProperties = b.clientProperties;
        this.helperPorts = List.copyOf(b.helperPorts);
        this.udpHelperPorts = List.copyOf(b.udpHelperPorts);
        this.payloadCap = b.payloadCap;
        this.queueCapacity = b.queueCapacity;
        boolean replay = !b.replayFiles.isEmpty();
        if (replay == (b.live != null)) {
            throw new IllegalArgumentException(
                    "give either capture files to replay or live interfaces, not "
                            + (replay ? "both" : "neither"));
        }
        this.replayFiles = List.copyOf(b.replayFiles);
        this.replaySpeed = b.replaySpeed;
        this.live = b.live;
        // Replay waits for room (nothing lost); live capture cannot wait and drops, counted.
        this.overflow =
                b.overflow != null
                        ? b.overflow
                        : replay ? OverflowPolicy.BLOCK : OverflowPolicy.DROP;
        this.progress = b.progress;
        this.shutdownTimeout = b.shutdownTimeout;
        this.batch =
                new BatchOptions(
                        b.batchPackets, b.batchMicros, b.batchMaxOpen, b.batchMaxOpenBytes);
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1");
        }
        new EdgePayloadPolicy(helperPorts, udpHelperPorts, payloadCap); // validates
    }

    private static String require(String v, String what) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing " + what);
        }
        return v;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String sensorId() {
        return sensorId;
    }

    /** The full packets topic name (prefix included). */
    public String topic() {
        return topic;
    }

    /** Kafka client properties (bootstrap.servers, schema.registry.url, TLS/SASL, tuning). */
    public Properties clientProperties() {
        return clientProperties;
    }

    public List<Integer> helperPorts() {
        return helperPorts;
    }

    public List<Integer> udpHelperPorts() {
        return udpHelperPorts;
    }

    public int payloadCap() {
        return payloadCap;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public OverflowPolicy overflow() {
        return overflow;
    }

    public boolean isReplay() {
        return !replayFiles.isEmpty();
    }

    public List<Path> replayFiles() {
        return replayFiles;
    }

    /** 0 = as fast as possible; otherwise the factor on the recorded pace. */
    public double replaySpeed() {
        return replaySpeed;
    }

    public LiveCaptureOptions live() {
        return live;
    }

    public boolean progress() {
        return progress;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Per-flow batching: packets per record, batch age, open-batch bounds. */
    public BatchOptions batch() {
        return batch;
    }

    /**
     * True when batches are also published by a wall-clock timer: live capture and paced replay.
     */
    public boolean batchIdleTimer() {
        boolean paced =
                replaySpeed > 0 && !Double.isInfinite(replaySpeed); // as ReplaySource.paced()
        return batch.enabled() && (!isReplay() || paced);
    }

    public EdgePayloadPolicy payloadPolicy() {
        return new EdgePayloadPolicy(helperPorts, udpHelperPorts, payloadCap);
    }

    public static final class Builder {
        private String sensorId;
        private String topic;
        private Properties clientProperties = new Properties();
        private List<Integer> helperPorts = EdgePayloadPolicy.DEFAULT_HELPER_PORTS;
        private List<Integer> udpHelperPorts = EdgePayloadPolicy.DEFAULT_UDP_HELPER_PORTS;
        private int payloadCap = EdgePayloadPolicy.DEFAULT_CAP;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private OverflowPolicy overflow;
        private final List<Path> replayFiles = new ArrayList<>();
        private double replaySpeed;
        private LiveCaptureOptions live;
        private boolean progress;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private int batchPackets = BatchOptions.DEFAULT_PACKETS;
        private long batchMicros = BatchOptions.DEFAULT_MICROS;
        private int batchMaxOpen = BatchOptions.DEFAULT_MAX_OPEN;
        private long batchMaxOpenBytes = BatchOptions.DEFAULT_MAX_OPEN_BYTES;

        public Builder sensorId(String v) {
            sensorId = v;
            return this;
        }

        public Builder topic(String v) {
            topic = v;
            return this;
        }

        public Builder clientProperties(Properties v) {
            clientProperties = Objects.requireNonNull(v);
            return this;
        }

        public Builder helperPorts(List<Integer> v) {
            helperPorts = Objects.requireNonNull(v);
            return this;
        }

        public Builder udpHelperPorts(List<Integer> v) {
            udpHelperPorts = Objects.requireNonNull(v);
            return this;
        }

        public Builder payloadCap(int v) {
            payloadCap = v;
            return this;
        }

        public Builder queueCapacity(int v) {
            queueCapacity = v;
            return this;
        }

        public Builder overflow(OverflowPolicy v) {
            overflow = v;
            return this;
        }

        /** Files to replay, in order; {@code speed} 0 = as fast as possible. */
        public Builder replay(List<Path> files, double speed) {
            replayFiles.addAll(files);
            replaySpeed = speed;
            return this;
        }

        public Builder live(LiveCaptureOptions v) {
            live = v;
            return this;
        }

        public Builder progress(boolean v) {
            progress = v;
            return this;
        }

        public Builder shutdownTimeout(Duration v) {
            shutdownTimeout = v;
            return this;
        }

        /**
         * At most {@code v} packets of one flow per record; 1 = no batching (one record per
         * packet).
         */
        public Builder batchPackets(int v) {
            batchPackets = v;
            return this;
        }

        /**
         * A batch goes once its first packet is {@code v} µs old (capture time; live also wall
         * clock).
         */
        public Builder batchMicros(long v) {
            batchMicros = v;
            return this;
        }

        /** Bounds on open batches (count, encoded bytes); beyond them the eldest batch goes. */
        public Builder batchBounds(int maxOpen, long maxOpenBytes) {
            batchMaxOpen = maxOpen;
            batchMaxOpenBytes = maxOpenBytes;
            return this;
        }

        public CaptureAgentConfig build() {
            return new CaptureAgentConfig(this);
        }
    }
}
