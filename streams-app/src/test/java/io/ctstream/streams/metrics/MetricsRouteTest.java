package io.ctstream.streams.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsRouteTest {

    @Test
    void servesThePrometheusTextFormatOfTheRegistry() throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.counter("ctstream.alerts", "type", "ftp-bounce").increment(3);
        Javalin app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        MetricsRoute.addTo(app, meters);
        app.start("127.0.0.1", 0);
        try {
            HttpResponse<String> r = get(app.port());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(r.body()).contains("ctstream_alerts_total{type=\"ftp-bounce\"} 3.0");
        } finally {
            app.stop();
        }
    }

    @Test
    void aRegistryWithNothingToScrapeGetsNoRoute() throws Exception {
        Javalin app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        MetricsRoute.addTo(app, new SimpleMeterRegistry());
        app.start("127.0.0.1", 0);
        try {
            assertThat(get(app.port()).statusCode()).isEqualTo(404);
        } finally {
            app.stop();
        }
    }

    private static HttpResponse<String> get(int port) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
