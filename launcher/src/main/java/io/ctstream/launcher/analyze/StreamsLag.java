package io.ctstream.launcher.analyze;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether a Kafka Streams instance has consumed every record of its source topics, from its main
 * consumers' own lag metrics ({@code records-lag} per partition, which in read_committed mode
 * counts to the last stable offset). Committed offsets cannot tell this for the topics the
 * application writes itself: they are written in transactions, and a partition ending in a
 * transaction marker has a committed offset one short of its end even when every record was
 * processed.
 */
final class StreamsLag {
    private StreamsLag() {}

    /** True when every one of {@code partitions} is assigned to a main consumer with lag 0. */
    static boolean caughtUp(KafkaStreams streams, Set<TopicPartition> partitions) {
        Set<TopicPartition> seen = new HashSet<>();
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName name = e.getKey();
            String client = name.tags().getOrDefault("client-id", "");
            String topic = name.tags().get("topic");
            if (!"records-lag".equals(name.name())
                    || !"consumer-fetch-manager-metrics".equals(name.group())
                    || topic == null
                    || client.endsWith("restore-consumer")) {
                continue;
            }
            TopicPartition tp =
                    new TopicPartition(topic, Integer.parseInt(name.tags().get("partition")));
            if (!partitions.contains(tp)) {
                continue;
            }
            Object value = e.getValue().metricValue();
            if (!(value instanceof Double lag) || lag.isNaN() || lag > 0) {
                return false;
            }
            seen.add(tp);
        }
        return seen.containsAll(partitions);
    }
}
