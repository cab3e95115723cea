package io.ctstream.launcher.demo;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates a replay's topics before streams-app does, without time retention. Why: records carry
 * their capture time, and the bundled captures are older than Kafka's default retention (7 days), so
 * the broker's next retention check (30 s after it starts, then every 5 minutes) would delete packets,
 * expectations and match records in the middle of the demo. The demo's topics live only as long as
 * its broker (embedded) or carry a per-run prefix.
 */
final class ReplayTopics {
    private ReplayTopics() {
    }

    static void create(Properties kafka, List<String> topics, int partitions) {
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(topics.stream()
                    .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty())
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")))
                    .toList()).all().get();
            // metadata first: streams-app's own setup must find them, not create them again
            admin.describeTopics(topics).allTopicNames().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the demo's topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating the demo's topics", e);
        }
    }
}
