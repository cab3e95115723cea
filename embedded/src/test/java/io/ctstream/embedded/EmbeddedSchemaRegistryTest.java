package io.ctstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.embedded.junit.EmbeddedCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedCluster.class)
class EmbeddedSchemaRegistryTest {

    private static final String SCHEMA =
            "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\","
                    + "\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"}]}\"}";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void answersSubjectsOnTheConfluentCompatibleUrl() throws Exception {
        String url = EmbeddedCluster.schemaRegistryUrl();
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");

        HttpResponse<String> r = get(url + "/subjects");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("[");
    }

    @Test
    void globalCompatibilityIsBackward() throws Exception {
        HttpResponse<String> r = get(EmbeddedCluster.schemaRegistryUrl() + "/config");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"BACKWARD\"");
    }

    @Test
    void registersASchemaAndRejectsAnIncompatibleChange() throws Exception {
        String subject = EmbeddedCluster.uniqueTopic("compat") + "-value";
        String url = EmbeddedCluster.schemaRegistryUrl() + "/subjects/" + subject + "/versions";

        assertThat(post(url, SCHEMA).statusCode()).isEqualTo(200);
        // a new required field without default is not BACKWARD compatible
        String incompatible =
                SCHEMA.replace("}]}", "},{\\\"name\\\":\\\"b\\\",\\\"type\\\":\\\"int\\\"}]}");
        assertThat(post(url, incompatible).statusCode()).isEqualTo(409);
    }

    @Test
    void aPersistentRegistryKeepsSchemasAcrossRestartsAndStopLeavesNoProcess(@TempDir Path dir)
            throws Exception {
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(dir, 0)) {
            registry.start();
            assertThat(post(registry.url() + "/subjects/kept-value/versions", SCHEMA).statusCode())
                    .isEqualTo(200);

            ProcessHandle first = registry.process();
            registry.restart();
            assertThat(first.isAlive()).isFalse();

            assertThat(get(registry.url() + "/subjects").body()).contains("kept-value");
            assertThat(get(registry.url() + "/config").body()).contains("BACKWARD");
            ProcessHandle second = registry.process();
            registry.stop();
            assertThat(second.isAlive()).isFalse();
            assertThat(second.descendants()).isEmpty();
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", EmbeddedSchemaRegistry.CONTENT_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
