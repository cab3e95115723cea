package io.ctstream.enforcement.agent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports topic is the agent's own output: it creates it when it is missing (the broker's
 * default partition count and replication factor), instead of blocking on the first report until
 * the producer gives up. Brokers normally refuse to create topics on first use, and a typo must not
 * create one.
 */
final class ReportsTopic {
    private static final Logger LOG = LoggerFactory.getLogger(ReportsTopic.class);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ReportsTopic() {}

    static void ensure(Properties kafka, String topic) {
        ensure(kafka, topic, TIMEOUT);
    }

    /** Fails after about {@code timeout} when Kafka does not answer. */
    static void ensure(Properties kafka, String topic, Duration timeout) {
        ensure(kafka, topic, "reports", timeout);
    }

    /**
     * The same for another topic this agent reads and nobody may have created yet ({@code what}:
     * for messages), e.g. the tentative verdicts: a consumer subscribed to a missing topic sees it
     * only at its next metadata refresh, minutes after streams-app creates it.
     */
    static void ensure(Properties kafka, String topic, String what, Duration timeout) {
        long ms = timeout.toMillis();
        Admin admin = Admin.create(kafka);
        try {
            if (admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS).contains(topic)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                    .all()
                    .get(ms, TimeUnit.MILLISECONDS);
            LOG.info("created the {} topic {}", what, topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "cannot create the "
                                + what
                                + " topic "
                                + topic
                                + ": "
                                + e.getCause().getMessage(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "cannot reach Kafka to check the "
                            + what
                            + " topic "
                            + topic
                            + " within "
                            + timeout.toSeconds()
                            + " s",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            // Not the default close, which waits for the pending call to reach the client's own 60
            // s API timeout:
            // an unreachable broker took 62 s to report "within 30 s" (issue 19).
            admin.close(Duration.ZERO);
        }
    }
}
