package io.ctstream.launcher.verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctstream.launcher.errors.UserException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code verdict list --query-url}: the rules in force from a streams-app query API ({@code GET
 * /gateways/{id}/rules}).
 */
final class RulesQuery {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private RulesQuery() {}

    /**
     * The rules, or a one-line {@link UserException}: unreachable (exit 4) or an error the API
     * named (exit 1).
     */
    static List<ListCommand.Row> rules(String url, String gateway, String token) {
        URI uri;
        try {
            uri =
                    URI.create(
                            url.replaceAll("/+$", "")
                                    + "/gateways/"
                                    + URLEncoder.encode(gateway, StandardCharsets.UTF_8)
                                    + "/rules");
        } catch (IllegalArgumentException e) {
            throw UserException.usage(
                    "--query-url " + url + ": not a URL (" + e.getMessage() + ")", e);
        }
        HttpResponse<String> r;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(ANSWER_TIMEOUT).GET();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            r =
                    HttpClient.newBuilder()
                            .connectTimeout(CONNECT_TIMEOUT)
                            .build()
                            .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw UserException.unreachable(
                    "no streams-app query API at "
                            + url
                            + ": no connection within "
                            + CONNECT_TIMEOUT.toSeconds()
                            + " s",
                    e);
        } catch (HttpTimeoutException e) {
            throw UserException.unreachable(
                    "the streams-app query API at "
                            + url
                            + " did not answer within "
                            + ANSWER_TIMEOUT.toSeconds()
                            + " s",
                    e);
        } catch (ConnectException e) {
            throw UserException.unreachable(
                    "no streams-app query API at " + url + ": connection refused", e);
        } catch (IOException e) {
            throw UserException.unreachable("the streams-app query API at " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UserException.unreachable("interrupted asking " + url, e);
        }
        JsonNode body;
        try {
            body = new ObjectMapper().readTree(r.body());
        } catch (IOException e) {
            throw new UserException(
                    1,
                    "the query API at " + url + " answered " + r.statusCode() + " with no JSON",
                    e);
        }
        if (r.statusCode() != 200) {
            throw new UserException(
                    1,
                    "the query API at "
                            + url
                            + " answered "
                            + r.statusCode()
                            + ": "
                            + body.path("error").asText(r.body()),
                    null);
        }
        List<ListCommand.Row> rows = new ArrayList<>();
        for (JsonNode n : body.path("rules")) {
            rows.add(
                    new ListCommand.Row(
                            n.path("origin").asText(),
                            n.path("action").asText(),
                            n.path("match").asText(),
                            n.path("key_id").asText(),
                            n.path("since_micros").asLong(),
                            n.path("until_micros").asLong(),
                            n.path("reason").asText()));
        }
        return rows;
    }
}
