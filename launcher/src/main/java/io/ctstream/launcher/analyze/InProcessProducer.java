package io.ctstream.launcher.analyze;

import io.ctstream.streams.inprocess.InProcessPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * The capture agent's producer when {@code analyze} runs without a broker: each record the agent
 * sends goes straight into the {@link InProcessPipeline}, on the agent's sender thread, in the
 * order the agent sent it (one partition, as a broker delivers one producer's records to one
 * partition). The agent is otherwise the same code as on a broker: its decoder, payload policy and
 * per-flow batches make the records.
 */
final class InProcessProducer implements Producer<byte[], byte[]> {
    private final InProcessPipeline pipeline;
    private long offset;

    InProcessProducer(InProcessPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        long timestamp = record.timestamp() == null ? 0 : record.timestamp();
        RecordMetadata metadata =
                new RecordMetadata(
                        new TopicPartition(record.topic(), 0),
                        offset++,
                        0,
                        timestamp,
                        record.key() == null ? -1 : record.key().length,
                        record.value() == null ? -1 : record.value().length);
        try {
            pipeline.pipe(record.key(), record.value(), timestamp);
        } catch (RuntimeException e) {
            if (callback != null) {
                callback.onCompletion(metadata, e);
            }
            return CompletableFuture.failedFuture(e);
        }
        if (callback != null) {
            callback.onCompletion(metadata, null);
        }
        return CompletableFuture.completedFuture(metadata);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return List.of(new PartitionInfo(topic, 0, null, new Node[0], new Node[0]));
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return Map.of();
    }

    @Override
    public void flush() {
        // every send completed at once
    }

    @Override
    public void close() {
        // the pipeline belongs to the caller
    }

    @Override
    public void close(Duration timeout) {
        close();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        throw new UnsupportedOperationException("no broker: no client instance id");
    }

    @Override
    public void initTransactions() {
        throw new UnsupportedOperationException("the capture agent does not use transactions");
    }

    @Override
    public void beginTransaction() {
        throw new UnsupportedOperationException("the capture agent does not use transactions");
    }

    @Override
    public void sendOffsetsToTransaction(
            Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        throw new UnsupportedOperationException("the capture agent does not use transactions");
    }

    @Override
    public void commitTransaction() {
        throw new UnsupportedOperationException("the capture agent does not use transactions");
    }

    @Override
    public void abortTransaction() {
        throw new UnsupportedOperationException("the capture agent does not use transactions");
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        // no broker to push client metrics to
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        // no broker to push client metrics to
    }
}
