package io.ctstream.launcher;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.format.ConntrackListing;
import io.ctstream.launcher.preflight.Preflight;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ctstream query}: asks any streams-app instance (it answers for the whole cluster) and
 * prints its JSON.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Queries the connection and expectation stores through any streams-app instance.",
            "  ctstream query connections [--address A] [--port P] [--proto tcp] [--state S] [--helper ftp] [--sensor S] [--master ID]",
            "  ctstream query counts",
            "  ctstream query lookup --proto tcp --src A --sport P --dst B --dport Q",
            "  ctstream query connection ID",
            "  ctstream query related ID                  (the RELATED connections that connection ID announced)",
            "  ctstream query expectations [--helper ftp|irc] [--master ID]   (live expectations)"
        })
public final class QueryCommand implements Callable<Integer> {
    /** The queries whose answer is connections, which --format table lists. */
    private static final Set<String> CONNECTION_QUERIES =
            Set.of("connections", "lookup", "connection", "related");

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    @Parameters(
            index = "0",
            description = "connections | counts | lookup | connection | related | expectations")
    String what;

    @Parameters(
            index = "1",
            arity = "0..1",
            description = "connection id (for 'connection' and 'related')")
    String id;

    @Option(
            names = "--url",
            defaultValue = "http://127.0.0.1:8070",
            description = "A streams-app query API (default http://127.0.0.1:8070).")
    String url;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "File with the query API's bearer token (streams --query-token-file).")
    Path tokenFile;

    @Option(
            names = "--offset",
            description =
                    "Skip this many items of a list (page on with the X-Next-Offset the last page named).")
    Integer offset;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "json",
            description =
                    "json (the API's answer, default) or table (conntrack -L style; connections, lookup, connection, related).")
    String format;

    @Option(names = "--address")
    String address;

    @Option(names = "--port")
    Integer port;

    @Option(names = "--proto")
    String proto;

    @Option(names = "--state")
    String state;

    @Option(names = "--helper")
    String helper;

    @Option(names = "--sensor")
    String sensor;

    @Option(names = "--master", description = "master connection id")
    String master;

    @Option(names = "--limit")
    Integer limit;

    @Option(names = "--src")
    String src;

    @Option(names = "--sport")
    Integer sport;

    @Option(names = "--dst")
    String dst;

    @Option(names = "--dport")
    Integer dport;

    @Override
    public Integer call() throws Exception {
        boolean table =
                switch (format.toLowerCase(Locale.ROOT)) {
                    case "json" -> false;
                    case "table" -> true;
                    default -> throw UserException.usage("--format " + format + ": json or table");
                };
        if (table && !CONNECTION_QUERIES.contains(what)) {
            throw UserException.usage(
                    "--format table lists connections: connections, lookup, connection or related, not "
                            + what);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        String path =
                switch (what) {
                    case "connections" -> "/connections";
                    case "counts" -> "/connections/counts";
                    case "lookup" -> "/connections/lookup";
                    case "connection" -> "/connections/" + requireId();
                    case "related" -> "/connections/" + requireId() + "/related";
                    case "expectations" -> "/expectations";
                    default ->
                            throw UserException.usage(
                                    "unknown query '"
                                            + what
                                            + "': connections, counts, lookup, connection, related or expectations");
                };
        params.put("address", address);
        params.put("port", port);
        params.put("proto", proto);
        params.put("state", state);
        params.put("helper", helper);
        params.put("sensor", sensor);
        params.put("master", master);
        params.put("limit", limit);
        params.put("offset", offset);
        params.put("src", src);
        params.put("sport", sport);
        params.put("dst", dst);
        params.put("dport", dport);
        String query =
                params.entrySet().stream()
                        .filter(e -> e.getValue() != null)
                        .map(
                                e ->
                                        e.getKey()
                                                + "="
                                                + URLEncoder.encode(
                                                        String.valueOf(e.getValue()),
                                                        StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        URI uri = URI.create(url + path + (query.isEmpty() ? "" : "?" + query));
        String token = Preflight.secretFile("--token-file", tokenFile);
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
                            + " did not answer "
                            + path
                            + " within "
                            + ANSWER_TIMEOUT.toSeconds()
                            + " s",
                    e);
        } catch (ConnectException e) {
            // the JDK's ConnectException names neither host nor port
            throw UserException.unreachable(
                    "no streams-app query API at "
                            + url
                            + ": connection refused (is "
                            + "'ctstream streams' running there? --url names another instance)",
                    e);
        } catch (IOException e) {
            throw UserException.unreachable("the streams-app query API at " + url + ": " + e, e);
        }
        if (table && r.statusCode() == 200) {
            printTable(r.body());
        } else {
            System.out.println(r.body());
        }
        return r.statusCode() == 200 ? 0 : 1;
    }

    /** The answer (one connection or a list) as conntrack -L lines. */
    private static void printTable(String body) throws IOException {
        JsonNode answer =
                new ObjectMapper()
                        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                        .readTree(body);
        ArrayNode list =
                answer.isArray()
                        ? (ArrayNode) answer
                        : JsonNodeFactory.instance.arrayNode().add(answer);
        Writer w = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
        ConntrackListing.connections(list, w);
        w.flush();
    }

    private String requireId() {
        if (id == null) {
            throw UserException.usage("'" + what + "' needs a connection id");
        }
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
