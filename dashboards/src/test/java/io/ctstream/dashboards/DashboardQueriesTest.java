package io.ctstream.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ctstream.embedded.junit.EmbeddedCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus, configured by the shipped {@code prometheus.yml} (targets pointed at this
 * test's endpoints, a 1 s scrape interval), scrapes a live pipeline that replays the lab captures;
 * every panel's query of every dashboard must then return at least one series.
 */
@ExtendWith(EmbeddedCluster.class)
class DashboardQueriesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(150);

    @Test
    void everyPanelQueryReturnsDataFromALiveRun(@TempDir Path tmp) throws Exception {
        List<DashboardQueries.Query> queries = DashboardQueries.all();
        assertThat(queries)
                .as("panel queries in " + DashboardQueries.DASHBOARDS)
                .hasSizeGreaterThan(10);
        Files.createDirectories(tmp.resolve("state"));
        try (LivePipeline pipeline = new LivePipeline(tmp.resolve("state"));
                PrometheusServer prometheus =
                        new PrometheusServer(
                                Files.createDirectories(tmp.resolve("prometheus")),
                                localConfig(
                                        Map.of(
                                                "streams-app", pipeline.streamsMetricsPort(),
                                                "capture-agent", pipeline.captureMetricsPort(),
                                                "enforcement-agent",
                                                        pipeline.enforcementMetricsPort())))) {
            prometheus.awaitReady(Duration.ofSeconds(60));
            List<String> failing = new ArrayList<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            List<DashboardQueries.Query> pending = new ArrayList<>(queries);
            while (true) {
                failing.clear();
                List<DashboardQueries.Query> still = new ArrayList<>();
                for (DashboardQueries.Query q : pending) {
                    JsonNode result = prometheus.query(q.promql());
                    if (result.isEmpty()) {
                        still.add(q);
                        failing.add(q.toString());
                    }
                }
                pending = still;
                if (pending.isEmpty() || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(2000);
            }
            System.out.printf(
                    "dashboards: %d of %d queries returned series, %d s after Prometheus was ready%n",
                    queries.size() - failing.size(),
                    queries.size(),
                    (System.nanoTime() - deadline + PATIENCE.toNanos()) / 1_000_000_000L);
            dumpScrapes(pipeline);
            StringBuilder health = new StringBuilder();
            prometheus
                    .targets()
                    .forEach(
                            t ->
                                    health.append(t.path("labels").path("job").asText())
                                            .append('=')
                                            .append(t.path("health").asText())
                                            .append(' ')
                                            .append(t.path("lastError").asText())
                                            .append("; "));
            assertThat(failing)
                    .as(
                            "panel queries without any series after "
                                    + PATIENCE
                                    + " (targets: "
                                    + health
                                    + ")")
                    .isEmpty();
        }
    }

    /**
     * The shipped prometheus.yml with every job's targets replaced by this test's endpoint, scraped
     * every second.
     */
    static String localConfig(Map<String, Integer> portsByJob) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode config = (ObjectNode) yaml.readTree(Path.of("prometheus.yml").toFile());
        ((ObjectNode) config.path("global"))
                .put("scrape_interval", "1s")
                .put("evaluation_interval", "1s");
        List<String> jobs = new ArrayList<>();
        for (JsonNode job : config.path("scrape_configs")) {
            String name = job.path("job_name").asText();
            jobs.add(name);
            Integer port = portsByJob.get(name);
            assertThat(port).as("port of job " + name).isNotNull();
            ObjectNode j = (ObjectNode) job;
            j.put("scrape_interval", "1s");
            j.remove("relabel_configs");
            ArrayNode statics = j.putArray("static_configs");
            statics.addObject().putArray("targets").add("127.0.0.1:" + port);
        }
        assertThat(jobs).containsExactlyInAnyOrderElementsOf(portsByJob.keySet());
        return yaml.writeValueAsString(config);
    }

    /**
     * What each endpoint served at the end, for whoever writes the next panel (target/scrapes/).
     */
    private static void dumpScrapes(LivePipeline pipeline)
            throws IOException, InterruptedException {
        Path out = Files.createDirectories(Path.of("target", "scrapes"));
        HttpClient http = HttpClient.newHttpClient();
        for (Map.Entry<String, Integer> e :
                Map.of(
                                "streams-app",
                                pipeline.streamsMetricsPort(),
                                "capture-agent",
                                pipeline.captureMetricsPort(),
                                "enforcement-agent",
                                pipeline.enforcementMetricsPort())
                        .entrySet()) {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + e.getValue()
                                                            + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Files.writeString(out.resolve(e.getKey() + ".txt"), r.body());
        }
    }
}
