package io.ctstream.streams.sensors;

import io.ctstream.avro.PacketRecord;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.errors.RejectedRecordException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * One packets topic per sensor, {@code <packets topic>.<sensor>} (issue 18): the sensor a packet is
 * attributed to is the topic it came from, which only that sensor's Kafka principal may write
 * (SECURITY.md, ACLs), not the record's own {@code sensorId}, which any writer chooses. A record
 * whose {@code sensorId} (of any packet in its batch) names another sensor is refused: the tracker
 * never sees it, the dead-letter topic gets it with reason {@value #MISMATCH}.
 */
public final class SensorTopics {
    /**
     * Dead-letter reason (and metric tag) of a packet record whose sensor differs from its topic's.
     */
    public static final String MISMATCH = "sensor-mismatch";

    private final String packetsTopic;
    private final Pattern pattern;

    /**
     * @param packetsTopic the full name of the single packets topic ({@code <prefix>packets}); see
     *     {@link Topics#sensorPackets}
     */
    public SensorTopics(String packetsTopic) {
        this.packetsTopic = packetsTopic;
        this.pattern =
                Pattern.compile(
                        Pattern.quote(packetsTopic + ".") + "(" + Topics.SENSOR_ID.pattern() + ")");
    }

    /** The pattern streams-app subscribes to. */
    public Pattern pattern() {
        return pattern;
    }

    /** The sensor a topic belongs to, or empty when it is not a sensor topic. */
    public Optional<String> sensorOf(String topic) {
        Matcher m = pattern.matcher(topic);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The record, attributed to its topic's sensor, or a {@link RejectedRecordException} when the
     * record claims another sensor (for it or any packet of its batch), or came from a topic that
     * is no sensor's.
     */
    public PacketRecord attribute(String topic, PacketRecord p) {
        String sensor =
                sensorOf(topic)
                        .orElseThrow(
                                () ->
                                        new RejectedRecordException(
                                                MISMATCH,
                                                "topic "
                                                        + topic
                                                        + " is not a sensor topic ("
                                                        + packetsTopic
                                                        + ".<sensor>)"));
        check(topic, sensor, p);
        for (PacketRecord f : p.getFollowing()) {
            check(topic, sensor, f);
        }
        return p;
    }

    private static void check(String topic, String sensor, PacketRecord p) {
        if (!sensor.equals(p.getSensorId())) {
            throw new RejectedRecordException(
                    MISMATCH,
                    "packet of sensor '"
                            + p.getSensorId()
                            + "' in topic "
                            + topic
                            + ", which only sensor '"
                            + sensor
                            + "' may write");
        }
    }

    /**
     * The partition count every sensor topic has; a clear error when none exists yet or when they
     * differ. Kafka Streams puts partition i of every topic one source matches in one task, so the
     * flow keys of all sensors meet (and meet the feedback topic's) only if the counts are equal.
     */
    public int requireSamePartitions(Admin admin) {
        Map<String, Integer> counts = new TreeMap<>();
        try {
            List<String> matching =
                    admin.listTopics().names().get().stream()
                            .filter(t -> pattern.matcher(t).matches())
                            .toList();
            if (matching.isEmpty()) {
                throw new IllegalStateException(
                        "no sensor topic matches "
                                + packetsTopic
                                + ".<sensor>: create one per "
                                + "sensor (same partition count each) before starting streams-app with sensor topics");
            }
            Map<String, TopicDescription> d = admin.describeTopics(matching).allTopicNames().get();
            d.forEach((name, description) -> counts.put(name, description.partitions().size()));
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot list the sensor topics "
                            + packetsTopic
                            + ".<sensor>: "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing the sensor topics", e);
        }
        if (counts.values().stream().distinct().count() > 1) {
            throw new IllegalStateException(
                    "the sensor topics must all have the same number of partitions (the flows "
                            + "of every sensor meet in the same tasks), but they have "
                            + counts);
        }
        return counts.values().iterator().next();
    }
}
