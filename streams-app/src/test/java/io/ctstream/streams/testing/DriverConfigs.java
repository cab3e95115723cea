package io.ctstream.streams.testing;

import io.ctstream.avro.HelperMode;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.helper.HelperConfig;

/**
 * The streams-app configuration of a TopologyTestDriver run: no broker, the shared registry, fresh
 * topic names.
 */
public final class DriverConfigs {
    private DriverConfigs() {}

    public static StreamsAppConfig forDriver(String prefix, HelperMode mode) {
        return StreamsAppConfig.builder()
                .applicationId(prefix + "app")
                .bootstrapServers("unused:9092")
                .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                .topicPrefix(prefix)
                .helpers(HelperConfig.defaults().toBuilder().mode(mode).build())
                .build();
    }
}
