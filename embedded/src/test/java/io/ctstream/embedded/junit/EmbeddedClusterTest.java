package io.ctstream.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedCluster.class)
class EmbeddedClusterTest {

    @Test
    void uniqueTopicNamesAreDistinctAndLegal() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            names.add(EmbeddedCluster.uniqueTopic("pack ets/x"));
        }
        assertThat(names).hasSize(1000);
        assertThat(names)
                .allMatch(n -> n.matches("[a-zA-Z0-9._-]+") && n.startsWith("pack_ets_x-"));
    }

    @Test
    void createTopicCreatesTheGivenPartitionsWithOneReplica() throws Exception {
        String topic = EmbeddedCluster.uniqueTopic("created");

        EmbeddedCluster.createTopic(topic, 4);

        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                EmbeddedCluster.bootstrapServers()))) {
            TopicDescription d =
                    admin.describeTopics(Set.of(topic))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .get(topic);
            assertThat(d.partitions()).hasSize(4);
            assertThat(d.partitions()).allMatch(p -> p.replicas().size() == 1);
        }
    }

    @Test
    void theSharedServersAreSingletons() {
        assertThat(EmbeddedCluster.kafka()).isSameAs(EmbeddedCluster.kafka());
        assertThat(EmbeddedCluster.bootstrapServers())
                .isEqualTo(EmbeddedCluster.kafka().bootstrapServers());
    }
}
