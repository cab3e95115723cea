package io.ctstream.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A scripted HTTP server for the unit tests of {@link SchemaRegistryClient} alone: it answers each
 * "METHOD /path" with a canned status and body and records every request. The client's behaviour
 * against a real registry is tested in SchemaRegistryClientIntegrationTest.
 */
final class StubRegistryServer implements AutoCloseable {
    record Request(
            String method, String pathAndQuery, String contentType, String accept, String body) {}

    private record Answer(int status, String contentType, String body, CountDownLatch holdUntil) {}

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    StubRegistryServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** http://127.0.0.1:port */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    StubRegistryServer answer(String method, String pathAndQuery, int status, String json) {
        answers.put(
                method + " " + pathAndQuery,
                new Answer(status, "application/vnd.schemaregistry.v1+json", json, null));
        return this;
    }

    StubRegistryServer answerText(
            String method, String pathAndQuery, int status, String contentType, String body) {
        answers.put(method + " " + pathAndQuery, new Answer(status, contentType, body, null));
        return this;
    }

    /** Answers only once {@code release} is counted down (to test timeouts without sleeping). */
    StubRegistryServer answerAfter(
            String method, String pathAndQuery, CountDownLatch release, String json) {
        answers.put(
                method + " " + pathAndQuery, new Answer(200, "application/json", json, release));
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String pathAndQuery =
                exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null
                                ? ""
                                : "?" + exchange.getRequestURI().getRawQuery());
        String method = exchange.getRequestMethod();
        requests.add(
                new Request(
                        method,
                        pathAndQuery,
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("Accept"),
                        body));
        Answer answer =
                answers.getOrDefault(
                        method + " " + pathAndQuery,
                        new Answer(
                                404, "text/html", "<html><body>no such page</body></html>", null));
        if (answer.holdUntil != null) {
            try {
                answer.holdUntil.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType);
        try {
            exchange.sendResponseHeaders(answer.status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // the client gave up (timeout test): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
