package io.ctstream.streams.matching;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.internal.MatchInput;
import io.ctstream.avro.internal.MatchSlot;
import io.ctstream.avro.internal.NewConnection;
import io.ctstream.avro.internal.TrackerProgress;
import io.ctstream.streams.limits.LimitsConfig;
import io.ctstream.streams.testing.PlainAvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;

/**
 * The real {@link ExpectationMatchProcessor} with in-memory stores, fed record by record, as one
 * match partition.
 */
final class MatcherHarness {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    private final ExpectationMatchProcessor processor;

    MatcherHarness(MatcherConfig config) {
        this(config, LimitsConfig.defaults());
    }

    MatcherHarness(MatcherConfig config, LimitsConfig limits) {
        add(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(ExpectationMatchProcessor.STORE),
                                Serdes.String(),
                                PlainAvroSerde.of(MatchSlot.class))
                        .withLoggingDisabled()
                        .build());
        add(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(ExpectationMatchProcessor.DEADLINES),
                                Serdes.Bytes(),
                                Serdes.ByteArray())
                        .withLoggingDisabled()
                        .build());
        add(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(ExpectationMatchProcessor.LIMITS),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withLoggingDisabled()
                        .build());
        add(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(ExpectationMatchProcessor.PENDING),
                                Serdes.Bytes(),
                                PlainAvroSerde.of(NewConnection.class))
                        .withLoggingDisabled()
                        .build());
        add(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(ExpectationMatchProcessor.PROGRESS),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withLoggingDisabled()
                        .build());
        processor = new ExpectationMatchProcessor(config, limits, meters);
        processor.init(context);
    }

    private void add(StateStore store) {
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    void expectation(ExpectationEvent e) {
        processor.process(
                new Record<>(
                        MatchKeys.of(e.getExpected()),
                        new MatchInput(e, null, null),
                        e.getTimestampMicros() / 1000));
    }

    void connection(NewConnection c) {
        processor.process(
                new Record<>(
                        MatchKeys.of(c.getOrig()),
                        new MatchInput(null, c, null),
                        c.getTimestampMicros() / 1000));
    }

    /**
     * Tracker {@code source} of {@code sources} has processed every packet up to {@code micros}.
     */
    void progress(int source, int sources, long micros) {
        processor.process(
                new Record<>(
                        "progress",
                        new MatchInput(
                                null, null, new TrackerProgress(source, sources, micros, false)),
                        Math.max(0, micros / 1000)));
    }

    void idle(int source, int sources, long micros) {
        processor.process(
                new Record<>(
                        "progress",
                        new MatchInput(
                                null, null, new TrackerProgress(source, sources, micros, true)),
                        Math.max(0, micros / 1000)));
    }

    /** The end of the input (StreamTimeTicks). */
    void tick(long micros) {
        processor.process(new Record<>("tick", new MatchInput(null, null, null), micros / 1000));
    }

    /** Every expectation event published so far, in order. */
    List<ExpectationEvent> published() {
        return context.forwarded().stream()
                .filter(
                        f ->
                                ExpectationMatchProcessor.TO_EXPECTATIONS.equals(
                                        f.childName().orElse(null)))
                .map(f -> (ExpectationEvent) f.record().value())
                .toList();
    }

    double dropped(String reason) {
        var c = meters.find("ctstream.matcher.dropped").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }
}
