package io.ctstream.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code prometheus} binary (Debian package {@code prometheus}) with its own config,
 * storage directory and a free port on 127.0.0.1 — never the system service the package installs.
 */
final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PrometheusServer(Path dir, String config) throws IOException {
        String binary = binary();
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config);
        Files.createDirectories(dir.resolve("data"));
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port);
        log = dir.resolve("prometheus.log");
        process =
                new ProcessBuilder(
                                binary,
                                "--config.file=" + configFile,
                                "--storage.tsdb.path=" + dir.resolve("data"),
                                "--web.listen-address=127.0.0.1:" + port,
                                "--log.level=warn")
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
    }

    private static String binary() {
        for (String candidate : List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "no prometheus binary: install the Debian package 'prometheus' (.ci/run does)");
    }

    /** Waits for {@code /-/ready}. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "prometheus exited " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (http.send(
                                        HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "prometheus not ready after " + timeout + ": " + Files.readString(log));
    }

    /** {@code /api/v1/query}: the {@code data.result} array of an instant query. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .path("data")
                .path("result");
    }

    /** {@code /api/v1/targets}: the active targets. */
    JsonNode targets() throws IOException, InterruptedException {
        return api("/api/v1/targets").path("data").path("activeTargets");
    }

    private JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalArgumentException(
                    pathAndQuery + " → " + r.statusCode() + " " + r.body());
        }
        return body;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
