package io.ctstream.streams.metrics;

import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics} on the query server: the Prometheus text format of the instance's registry.
 */
public final class MetricsRoute {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsRoute() {}

    /**
     * Adds the route when the registry is a Prometheus one; other registries have nothing to
     * scrape.
     */
    public static void addTo(Javalin app, MeterRegistry meters) {
        if (meters instanceof PrometheusMeterRegistry prometheus) {
            app.get("/metrics", ctx -> ctx.contentType(CONTENT_TYPE).result(prometheus.scrape()));
        }
    }
}
