package io.ctstream.embedded.junit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry that requires HTTP basic authentication, for tests: a small proxy in front of the
 * embedded Apicurio registry that answers 401 to a request without the right {@code Authorization}
 * header and forwards the rest.
 */
public final class AuthenticatingRegistryProxy implements AutoCloseable {
    private final HttpServer server;
    private final String upstream;
    private final String expected;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Requests answered 401. */
    public final AtomicInteger refused = new AtomicInteger();

    /** Requests that carried the credentials and were forwarded. */
    public final AtomicInteger forwarded = new AtomicInteger();

    public AuthenticatingRegistryProxy(String upstreamBaseUrl, String user, String password)
            throws IOException {
        this.upstream = upstreamBaseUrl.replaceAll("/+$", "");
        this.expected =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The proxy's base URL (without credentials). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
                ex.getResponseHeaders().add("Content-Type", "application/json");
                reply(ex, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            HttpRequest.Builder req =
                    HttpRequest.newBuilder(
                                    URI.create(
                                            upstream
                                                    + ex.getRequestURI().getRawPath()
                                                    + (ex.getRequestURI().getRawQuery() == null
                                                            ? ""
                                                            : "?"
                                                                    + ex.getRequestURI()
                                                                            .getRawQuery())))
                            .method(
                                    ex.getRequestMethod(),
                                    body.length == 0
                                            ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofByteArray(body));
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                req.header("Content-Type", type);
            }
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            forwarded.incrementAndGet();
            ex.getResponseHeaders()
                    .add(
                            "Content-Type",
                            r.headers().firstValue("Content-Type").orElse("application/json"));
            reply(ex, r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
