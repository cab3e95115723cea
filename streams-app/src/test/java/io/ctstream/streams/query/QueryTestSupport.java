package io.ctstream.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.json.JsonViews;
import io.ctstream.streams.matching.MatcherConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * What the query-API tests share: a streams-app instance with a query port, and a JSON GET against
 * it.
 */
final class QueryTestSupport {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private QueryTestSupport() {}

    /**
     * An instance of the application {@code prefix + "app"} on the embedded cluster, query API on a
     * free port.
     */
    static StreamsApp instance(String prefix, Path stateDir) {
        return instance(prefix, stateDir, MatcherConfig.defaults());
    }

    /** The same, with the given matcher limits. */
    static StreamsApp instance(String prefix, Path stateDir, MatcherConfig matcher) {
        return new StreamsApp(
                StreamsAppConfig.builder()
                        .matcher(matcher)
                        .applicationId(prefix + "app")
                        .bootstrapServers(EmbeddedCluster.bootstrapServers())
                        .schemaRegistryUrl(EmbeddedCluster.schemaRegistryUrl())
                        .topicPrefix(prefix)
                        .stateDir(stateDir)
                        .queryPort(0)
                        .build(),
                new SimpleMeterRegistry());
    }

    /** GET {@code path} from the instance's query API; fails the test unless it answers 200. */
    static JsonNode get(StreamsApp app, String path) throws Exception {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + app.queryPort() + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JsonViews.MAPPER.readTree(r.body());
    }
}
