package io.ctstream.launcher.analyze;

import io.ctstream.streams.TopicsSetup;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates a replay's topics before streams-app does, without time retention. Why: records carry
 * their capture time (stream time comes from it), and recorded captures are easily older than
 * Kafka's default retention (7 days; the bundled lab captures are), so the broker's next retention
 * check (30 s after it starts, then every 5 minutes) would delete packets, expectations and match
 * records in the middle of a run: expectations then end up expired instead of fulfilled. Replay
 * topics carry a per-run prefix; on a shared cluster, delete them when done.
 */
public final class ReplayTopics {
    private ReplayTopics() {}

    public static void create(Properties kafka, List<String> topics, int partitions) {
        // TopicsSetup also waits until the new topics are visible with leaders: streams-app's own
        // setup
        // must find them, not create them again, and a loaded broker serves new metadata late.
        try (Admin admin = Admin.create(kafka)) {
            TopicsSetup.ensure(
                    admin,
                    topics,
                    partitions,
                    (short) -1,
                    Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
        }
    }
}
