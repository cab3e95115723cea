package io.ctstream.enforcement.agent;

import io.ctstream.enforcement.TestVerdicts;
import io.ctstream.enforcement.gate.GateLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * An enforcement agent in its own JVM, for crash tests (kill -9): the test keys, nft inside a
 * network namespace. Arguments: bootstrap servers, registry URL, verdicts topic, reports topic,
 * group id, namespace.
 */
public final class AgentChild {
    private AgentChild() {}

    public static void main(String[] args) throws Exception {
        Properties kafka = new Properties();
        kafka.setProperty("bootstrap.servers", args[0]);
        kafka.setProperty("schema.registry.url", args[1]);
        // small batches, so small transactions: a kill lands between committed ones and inside an
        // open one
        kafka.setProperty("max.poll.records", "8");
        EnforcementAgentConfig config =
                EnforcementAgentConfig.builder()
                        .gatewayId(TestVerdicts.GW)
                        .keyring(TestVerdicts.KEYRING)
                        .kafka(kafka)
                        .verdictsTopic(args[2])
                        .reportsTopic(args[3])
                        .groupId(args[4])
                        .transactionalId(args[4])
                        .limits(
                                new GateLimits(
                                        3600,
                                        24,
                                        64,
                                        true,
                                        GateLimits.PORT_PROTOCOLS,
                                        Duration.ofSeconds(1),
                                        10_000))
                        .nftCommand(List.of("ip", "netns", "exec", args[5], "nft"))
                        .pollTimeout(Duration.ofMillis(200))
                        .meterRegistry(new SimpleMeterRegistry())
                        .build();
        try (EnforcementAgent agent = new EnforcementAgent(config)) {
            agent.run();
        }
    }
}
