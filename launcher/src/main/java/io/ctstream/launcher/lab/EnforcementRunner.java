package io.ctstream.launcher.lab;

import io.ctstream.enforcement.agent.EnforcementAgent;
import io.ctstream.enforcement.agent.EnforcementAgentConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An enforcement agent on its own thread, as the lab and the demo run it: created reports topic,
 * started, and only called ready once its consumer group has its partitions.
 */
public final class EnforcementRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnforcementRunner.class);

    private final EnforcementAgent agent;
    private final FutureTask<Void> run;

    private EnforcementRunner(EnforcementAgent agent) {
        this.agent = agent;
        this.run =
                new FutureTask<>(
                        () -> {
                            agent.run();
                            return null;
                        });
    }

    /**
     * Starts the agent of {@code config} and waits until it has reconciled and owns its partitions.
     */
    public static EnforcementRunner start(EnforcementAgentConfig config, Duration timeout)
            throws InterruptedException {
        createTopic(config.kafka(), config.reportsTopic());
        EnforcementRunner r = new EnforcementRunner(new EnforcementAgent(config));
        new Thread(r.run, "enforcement-" + config.gatewayId()).start();
        if (!r.agent.awaitReady(timeout)) {
            r.close();
            throw new LabException(
                    "the enforcement agent of "
                            + config.gatewayId()
                            + " did not get ready within "
                            + timeout);
        }
        r.awaitAssigned(config.kafka(), config.groupId(), timeout);
        return r;
    }

    public EnforcementAgent agent() {
        return agent;
    }

    /**
     * streams-app creates the topics it writes; the agent's reports topic is the operator's (kept
     * by time, see enforcement-agent's README), so the lab creates it.
     */
    private static void createTopic(Properties kafka, String topic) {
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
                    .all()
                    .get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new LabException(
                        "cannot create " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted creating " + topic, e);
        }
    }

    /**
     * Ready means reconciled and subscribed; the group's first rebalance (the broker delays it, 3 s
     * by default) comes after. A transfer started before it would wait for the agent, not for
     * ctstream.
     */
    private void awaitAssigned(Properties kafka, String groupId, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(kafka)) {
            while (System.nanoTime() < deadline) {
                try {
                    ConsumerGroupDescription d =
                            admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId);
                    if (d.groupState() == GroupState.STABLE
                            && d.members().stream()
                                    .anyMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // the group is not there yet
                }
                Thread.sleep(100);
            }
        }
        close();
        throw new LabException(
                "the enforcement agent's group "
                        + groupId
                        + " got no partitions within "
                        + timeout);
    }

    /** Stops the agent and waits for it (its table and elements stay, as after a crash). */
    @Override
    public void close() {
        agent.close();
        try {
            run.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            LOG.warn("enforcement agent ended with {}", e.getCause().toString());
        } catch (TimeoutException e) {
            LOG.warn("enforcement agent did not stop within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
