package io.ctstream.launcher.demo;

import io.ctstream.streams.StreamsApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Where the demo's metrics are: the query server's Prometheus endpoint ({@code GET /metrics},
 * served when the instance's registry is a Prometheus one, as the demo's is). Asked rather than
 * assumed, so the demo never prints an address that does not answer.
 */
final class DemoMetrics {
    static final List<String> CANDIDATE_PATHS = List.of("/metrics");

    private DemoMetrics() {}

    static String describe(StreamsApp app) {
        String base = "http://" + app.config().queryHost() + ":" + app.queryPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (String path : CANDIDATE_PATHS) {
            try {
                HttpResponse<Void> r =
                        http.send(
                                HttpRequest.newBuilder(URI.create(base + path))
                                        .timeout(Duration.ofSeconds(2))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return base + path;
                }
            } catch (IOException e) {
                // not served
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "no HTTP metrics endpoint (the instance's meter registry is not a Prometheus one)";
    }
}
