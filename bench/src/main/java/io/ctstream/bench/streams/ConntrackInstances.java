package io.ctstream.bench.streams;

import io.ctstream.bench.support.BenchCluster;
import io.ctstream.bench.support.CatchUp;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.policy.VerdictPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code instances} streams-app instances of one application (the production topology: conntrack,
 * helpers, matcher, optional policy; exactly-once v2, one stream thread each, separate state
 * directories, as separate machines would run them) over the topics of one prefix.
 */
public final class ConntrackInstances implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofMinutes(15);

    private final List<StreamsApp> apps = new ArrayList<>();
    private final StreamsAppConfig first;
    private final Path stateRoot;

    private ConntrackInstances(List<StreamsAppConfig> configs, Path stateRoot) {
        this.first = configs.get(0);
        this.stateRoot = stateRoot;
        for (StreamsAppConfig c : configs) {
            apps.add(new StreamsApp(c, new SimpleMeterRegistry()));
        }
    }

    /** Starts the instances and waits until every one is RUNNING. */
    public static ConntrackInstances start(
            BenchCluster cluster,
            String prefix,
            int partitions,
            int instances,
            VerdictPolicy policy)
            throws IOException {
        return start(cluster, prefix, partitions, instances, policy, new Properties(), true);
    }

    /** As above, with {@code threads} stream threads per instance. */
    public static ConntrackInstances start(
            BenchCluster cluster,
            String prefix,
            int partitions,
            int instances,
            int threads,
            VerdictPolicy policy)
            throws IOException {
        return start(
                cluster, prefix, partitions, instances, threads, policy, new Properties(), true);
    }

    /**
     * As above, with Kafka Streams properties and whether the tracker commits at once after a
     * pinhole's ALLOW.
     */
    public static ConntrackInstances start(
            BenchCluster cluster,
            String prefix,
            int partitions,
            int instances,
            VerdictPolicy policy,
            Properties streamsProperties,
            boolean commitOnPinhole)
            throws IOException {
        return start(
                cluster,
                prefix,
                partitions,
                instances,
                1,
                policy,
                streamsProperties,
                commitOnPinhole);
    }

    private static ConntrackInstances start(
            BenchCluster cluster,
            String prefix,
            int partitions,
            int instances,
            int threads,
            VerdictPolicy policy,
            Properties streamsProperties,
            boolean commitOnPinhole)
            throws IOException {
        Path root = Files.createTempDirectory(cluster.workDir(), "state");
        List<StreamsAppConfig> configs = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            configs.add(
                    StreamsAppConfig.builder()
                            .applicationId(prefix + "streams")
                            .bootstrapServers(cluster.bootstrapServers())
                            .schemaRegistryUrl(cluster.registryUrl())
                            .topicPrefix(prefix)
                            .partitions(partitions)
                            .streamThreads(threads)
                            .stateDir(root.resolve("instance-" + i))
                            .policy(policy)
                            .clientProperties(streamsProperties)
                            .commitOnPinhole(commitOnPinhole)
                            .build());
        }
        ConntrackInstances set = new ConntrackInstances(configs, root);
        set.apps.forEach(StreamsApp::start);
        set.apps.forEach(a -> a.awaitRunning(TIMEOUT));
        return set;
    }

    public String applicationId() {
        return first.applicationId();
    }

    public String packetsTopic() {
        return first.topic(Topics.PACKETS);
    }

    public StreamsAppConfig config() {
        return first;
    }

    public List<StreamsApp> apps() {
        return apps;
    }

    public Path stateRoot() {
        return stateRoot;
    }

    /** Waits until the application has committed {@code ends} of the packets topic. */
    public void awaitCommitted(Admin admin, Map<TopicPartition, Long> ends) {
        CatchUp.await(admin, applicationId(), ends, TIMEOUT);
    }

    @Override
    public void close() {
        apps.forEach(StreamsApp::close);
    }
}
