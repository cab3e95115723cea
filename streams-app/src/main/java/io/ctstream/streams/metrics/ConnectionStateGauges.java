package io.ctstream.streams.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.streams.query.ConnectionFilter;
import io.ctstream.streams.query.ConnectionQueries;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections in this instance's connection stores, by conntrack state ({@code
 * ctstream.connections{ct_state}}) and by TCP state ({@code ctstream.connections.tcp{tcp_state}}).
 *
 * <p>A gauge and not counters of transitions: a store restored or moved by a rebalance would make
 * up/down counters drift, while a count of the store is right after any rebalance. The count is a
 * scan of the local stores, so it runs on its own thread every {@code every}, never on a scrape.
 * Prometheus sums the instances.
 */
public final class ConnectionStateGauges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionStateGauges.class);

    private final ConnectionQueries<?> connections;
    private final MultiGauge byCtState;
    private final MultiGauge byTcpState;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "ctstream-connection-gauges");
                        t.setDaemon(true);
                        return t;
                    });

    public ConnectionStateGauges(ConnectionQueries<?> connections, MeterRegistry meters) {
        this.connections = connections;
        this.byCtState =
                MultiGauge.builder("ctstream.connections")
                        .description(
                                "Tracked connections in this instance's stores, by conntrack state")
                        .register(meters);
        this.byTcpState =
                MultiGauge.builder("ctstream.connections.tcp")
                        .description("Tracked connections in this instance's stores, by TCP state")
                        .register(meters);
    }

    /** Counts now and then every {@code every}. */
    public ConnectionStateGauges start(Duration every) {
        timer.scheduleWithFixedDelay(this::refresh, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    void refresh() {
        JsonNode counts;
        try {
            counts = connections.localCounts(ConnectionFilter.ALL);
        } catch (RuntimeException notQueryableYet) {
            // starting or rebalancing: keep the last counts until the stores answer again
            LOG.debug("connection gauges not refreshed: {}", notQueryableYet.getMessage());
            return;
        }
        byCtState.register(rows(counts.path("by_ct_state"), "ct_state"), true);
        byTcpState.register(rows(counts.path("by_tcp_state"), "tcp_state"), true);
    }

    private static List<MultiGauge.Row<?>> rows(JsonNode byState, String tag) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        // a supplier, not a boxed Long: gauges hold their object weakly, a boxed count would read
        // NaN after a GC
        byState.fields()
                .forEachRemaining(
                        e -> {
                            long n = e.getValue().asLong();
                            rows.add(MultiGauge.Row.of(Tags.of(tag, e.getKey()), () -> n));
                        });
        return rows;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
