package io.ctstream.launcher.analyze;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of an analysis on a cluster: its topics go. They are the run's own (every name starts
 * with the run's prefix, {@code <topic-prefix>analyze-<run id>-}: its packets, conn-events,
 * expectations, ... and its streams application's changelogs) and have no time retention (the
 * captures are older than any), so left behind they would stay forever. The streams application's
 * consumer group goes too.
 */
public final class RunTopics {
    private static final Logger LOG = LoggerFactory.getLogger(RunTopics.class);
    private static final long TIMEOUT_SECONDS = 30;

    private RunTopics() {}

    /**
     * Deletes every topic whose name starts with {@code prefix}, and the group {@code
     * applicationId}; returns the topics.
     */
    public static List<String> delete(Properties client, String prefix, String applicationId) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("a run's topics need a prefix of their own");
        }
        try (Admin admin = Admin.create(client)) {
            Set<String> all =
                    admin.listTopics(new ListTopicsOptions().listInternal(false))
                            .names()
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> ours = all.stream().filter(t -> t.startsWith(prefix)).sorted().toList();
            if (!ours.isEmpty()) {
                admin.deleteTopics(ours).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            try {
                admin.deleteConsumerGroups(List.of(applicationId))
                        .all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                LOG.debug(
                        "consumer group {} not deleted: {}",
                        applicationId,
                        e.getCause().toString());
            }
            return ours;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn("could not delete the run's topics ({}*): {}", prefix, cause.toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
