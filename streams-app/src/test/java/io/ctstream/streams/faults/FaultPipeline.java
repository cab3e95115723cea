package io.ctstream.streams.faults;

import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.policy.PolicyConfig;
import io.ctstream.streams.policy.VerdictPolicy;
import io.ctstream.verdict.VerdictKeyring;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

/**
 * The pipeline the fault tests disturb: streams-app with a policy for one gateway, in a test or a
 * child JVM.
 */
final class FaultPipeline {
    static final String POLICY =
            """
            gateways:
              - id: gw
                sensors: [gw]
                helpers: [ftp, irc]
            alertResponses:
              ftp-bounce: {blockSeconds: 600}
              forged-dcc: {blockSeconds: 600}
            """;

    private FaultPipeline() {}

    static VerdictPolicy policy() {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 5);
        return new VerdictPolicy(
                PolicyConfig.parse(POLICY, "fault.yaml"),
                VerdictKeyring.of(Map.of("gw", Map.of("k1", secret)), Map.of()),
                Clock.systemUTC());
    }

    static StreamsAppConfig.Builder config(
            String prefix, String bootstrapServers, String registryUrl) {
        return StreamsAppConfig.builder()
                .applicationId(prefix + "app")
                .bootstrapServers(bootstrapServers)
                .schemaRegistryUrl(registryUrl)
                .topicPrefix(prefix)
                .policy(policy());
    }

    /**
     * An instance that can be killed and come back: static membership, so the restarted instance
     * takes its old assignment back at once instead of waiting out the session of the dead one.
     */
    static StreamsAppConfig instance(
            String prefix,
            String bootstrapServers,
            String registryUrl,
            Path stateDir,
            String name) {
        Properties client = new Properties();
        client.setProperty("group.instance.id", prefix + name);
        client.setProperty("session.timeout.ms", "15000");
        // a transaction left open by a crash blocks read_committed readers of its partitions until
        // it times out
        client.setProperty("producer.transaction.timeout.ms", "10000");
        return config(prefix, bootstrapServers, registryUrl)
                .stateDir(stateDir)
                .clientProperties(client)
                .build();
    }
}
