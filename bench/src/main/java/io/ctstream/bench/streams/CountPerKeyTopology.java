package io.ctstream.bench.streams;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The bare Kafka Streams baseline: count records per key (the flow key bytes, undecoded) in a
 * RocksDB store. Kafka Streams' own cost of reading the topic and keeping one store per task.
 */
final class CountPerKeyTopology {
    static final String STORE = "counts";

    private CountPerKeyTopology() {}

    static Topology build(String topic) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topic, Consumed.with(Serdes.Bytes(), Serdes.ByteArray()))
                .groupByKey()
                .count(
                        Materialized.<Bytes, Long, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.Bytes())
                                .withValueSerde(Serdes.Long()));
        return b.build();
    }
}
