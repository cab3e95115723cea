package io.ctstream.launcher.demo;

import io.ctstream.streams.StreamsApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Where the demo's metrics are. Hook for the Prometheus endpoints being added to the components:
 * whichever of {@link #CANDIDATE_PATHS} the query server answers is printed; until one exists the
 * demo says that the meters are in-process only. Add the final path here when it lands.
 */
final class DemoMetrics {
    static final List<String> CANDIDATE_PATHS = List.of("/metrics", "/prometheus");

    private DemoMetrics() {
    }

    static String describe(StreamsApp app) {
        String base = "http://" + app.config().queryHost() + ":" + app.queryPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (String path : CANDIDATE_PATHS) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(2))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return base + path;
                }
            } catch (java.io.IOException e) {
                // not served
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "no HTTP metrics endpoint yet (in-process Micrometer meters only; hook: launcher demo.DemoMetrics)";
    }
}
