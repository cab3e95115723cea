package io.ctstream.launcher.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    @Test
    void servesTheRegistryWithTheJvmMetersOnAFreePort() throws Exception {
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            metrics.registry()
                    .counter("ctstream.enforcement.verdicts", "action", "ALLOW")
                    .increment();
            int port = metrics.serve("127.0.0.1", 0);
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("ctstream_enforcement_verdicts_total{action=\"ALLOW\"} 1.0")
                    .contains("jvm_memory_used_bytes")
                    .contains("process_uptime_seconds");
        }
    }

    @Test
    void aNegativePortMeansNoEndpoint() {
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            assertThat(metrics.serve("127.0.0.1", -1)).isEqualTo(-1);
        }
    }

    @Test
    void theAgentsEndpointListensOnLoopbackUnlessToldOtherwise() throws Exception {
        MetricsOptions options = new MetricsOptions();
        new picocli.CommandLine(
                        new Object() {
                            @picocli.CommandLine.Mixin MetricsOptions mixin = options;
                        })
                .parseArgs("--metrics-port", "0");
        assertThat(options.host).isEqualTo("127.0.0.1");
        try (PrometheusMetrics metrics = new PrometheusMetrics()) {
            int port = metrics.serve(options.host, options.port);
            // reachable on 127.0.0.1, refused on another loopback address the socket would take if
            // bound to any
            assertThat(
                            HttpClient.newHttpClient()
                                    .send(
                                            HttpRequest.newBuilder(
                                                            URI.create(
                                                                    "http://127.0.0.1:"
                                                                            + port
                                                                            + "/metrics"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(200);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () ->
                                    HttpClient.newHttpClient()
                                            .send(
                                                    HttpRequest.newBuilder(
                                                                    URI.create(
                                                                            "http://127.0.0.2:"
                                                                                    + port
                                                                                    + "/metrics"))
                                                            .build(),
                                                    HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }
}
