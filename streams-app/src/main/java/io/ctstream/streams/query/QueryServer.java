package io.ctstream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.FlowKey;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.streams.json.JsonViews;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsNotStartedException;

/**
 * The HTTP query API of one streams-app instance (JSON). Any instance answers for the whole
 * cluster; {@code local=true} restricts an answer to this instance's partitions (that is how
 * instances ask each other).
 *
 * <pre>
 * GET /health
 * GET /connections?address=&port=&proto=&state=&helper=&sensor=&limit=
 * GET /connections/counts?(same filters)
 * GET /connections/lookup?proto=tcp&src=10.0.0.1&sport=1234&dst=10.0.0.2&dport=21   (either direction)
 * GET /connections/{id}
 * GET /connections/{id}/related                       (the RELATED connections it announced)
 * GET /expectations?helper=&master=&limit=            (live expectations; master = connection id)
 * </pre>
 *
 * <p>Fit for a network: with a token, every request but {@code /health} needs {@code Authorization:
 * Bearer <token>} (compared in constant time; the instances send it to each other); lists take at
 * most {@link #MAX_LIMIT} items a page ({@code limit}, default {@link #DEFAULT_LIMIT}) and page on
 * with {@code offset} (at most {@link #MAX_OFFSET}; {@code X-Next-Offset} names the next page while
 * a page is full); ids and addresses are parsed strictly ({@link QueryParams}); a store that is
 * rebalancing is a 503 with {@code Retry-After}.
 */
public final class QueryServer implements AutoCloseable {
    public static final int DEFAULT_LIMIT = 1000;

    /** The largest page a client may ask for. */
    public static final int MAX_LIMIT = 1000;

    /** How deep a client may page: every page is built from the start of each instance's store. */
    public static final int MAX_OFFSET = 100_000;

    /** Seconds a client is told to wait while stores rebalance. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final Javalin app;

    public QueryServer(
            ConnectionQueries<?> connections,
            ExpectationQueries expectations,
            Consumer<Javalin> moreRoutes) {
        this(connections, expectations, null, moreRoutes);
    }

    /**
     * @param token the bearer token every request but {@code /health} must carry, or null for none
     */
    public QueryServer(
            ConnectionQueries<?> connections,
            ExpectationQueries expectations,
            String token,
            Consumer<Javalin> moreRoutes) {
        app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        if (token != null) {
            byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
            app.before(
                    ctx -> {
                        if ("/health".equals(ctx.path())) {
                            return;
                        }
                        String given = ctx.header("Authorization");
                        if (given == null
                                || !MessageDigest.isEqual(
                                        expected, given.getBytes(StandardCharsets.UTF_8))) {
                            ctx.header("WWW-Authenticate", "Bearer realm=\"ctstream\"");
                            throw new QueryException(
                                    401,
                                    "a bearer token is required (Authorization: Bearer <token>)");
                        }
                    });
        }
        app.exception(QueryException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        // stores closed or moved under a running query, Streams not running yet: a rebalance, not a
        // server error
        app.exception(
                InvalidStateStoreException.class,
                (e, ctx) -> error(ctx, 503, "stores are rebalancing; retry"));
        app.exception(
                StreamsNotStartedException.class,
                (e, ctx) -> error(ctx, 503, "the instance is starting; retry"));
        app.get(
                "/health",
                ctx -> json(ctx, JsonViews.MAPPER.createObjectNode().put("status", "up")));
        app.get(
                "/connections/counts",
                ctx -> {
                    ConnectionFilter f = ConnectionFilter.fromParams(ctx::queryParam);
                    json(ctx, local(ctx) ? connections.localCounts(f) : connections.counts(f));
                });
        app.get(
                "/connections/lookup",
                ctx -> {
                    JsonNode found;
                    if (ctx.queryParam("key") != null) {
                        found =
                                connections.localByFlowKey(
                                        connections.decodeKey(ctx.queryParam("key")));
                    } else {
                        FlowKey key = tupleKey(ctx);
                        found =
                                local(ctx)
                                        ? connections.localByFlowKey(key)
                                        : connections.byFlowKey(key);
                    }
                    jsonOr404(ctx, found);
                });
        app.get(
                "/connections",
                ctx -> {
                    ConnectionFilter f = ConnectionFilter.fromParams(ctx::queryParam);
                    page(
                            ctx,
                            n -> local(ctx) ? connections.localList(f, n) : connections.list(f, n));
                });
        app.get(
                "/connections/{id}",
                ctx -> {
                    String id = QueryParams.connectionId("connection id", ctx.pathParam("id"));
                    jsonOr404(ctx, local(ctx) ? connections.localById(id) : connections.byId(id));
                });
        app.get(
                "/connections/{id}/related",
                ctx -> {
                    ConnectionFilter f =
                            ConnectionFilter.childrenOf(
                                    QueryParams.connectionId("connection id", ctx.pathParam("id")));
                    page(
                            ctx,
                            n -> local(ctx) ? connections.localList(f, n) : connections.list(f, n));
                });
        app.get(
                "/expectations",
                ctx -> {
                    ExpectationQueries.Filter f =
                            ExpectationQueries.Filter.fromParams(ctx::queryParam);
                    page(
                            ctx,
                            n ->
                                    local(ctx)
                                            ? expectations.localList(f, n)
                                            : expectations.list(f, n));
                });
        if (moreRoutes != null) {
            moreRoutes.accept(app);
        }
    }

    /** Starts on host:port (0 = a free port) and returns the port. */
    public int start(String host, int port) {
        app.start(host, port);
        return app.port();
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    static boolean local(Context ctx) {
        return "true".equals(ctx.queryParam("local"));
    }

    /**
     * One page of a list: the first {@code offset + limit} items (across the cluster), less the
     * first {@code offset}. An instance asked by another ({@code local=true}) answers the whole
     * window in one page, so its limit may reach {@code MAX_OFFSET + MAX_LIMIT}; a client's is
     * capped at {@code MAX_LIMIT}.
     */
    static void page(Context ctx, IntFunction<ArrayNode> first) {
        boolean local = local(ctx);
        int limit =
                intParam(
                        ctx, "limit", DEFAULT_LIMIT, 1, local ? MAX_OFFSET + MAX_LIMIT : MAX_LIMIT);
        int offset = intParam(ctx, "offset", 0, 0, MAX_OFFSET);
        ArrayNode window = first.apply(offset + limit);
        ArrayNode page = JsonViews.MAPPER.createArrayNode();
        for (int i = offset; i < window.size(); i++) {
            page.add(window.get(i));
        }
        if (page.size() == limit && offset + limit <= MAX_OFFSET) {
            ctx.header("X-Next-Offset", Integer.toString(offset + limit));
        }
        json(ctx, page);
    }

    private static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String l = ctx.queryParam(name);
        if (l == null) {
            return dflt;
        }
        int v;
        try {
            v = Integer.parseInt(l);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name
                            + " is not a number: "
                            + (l.length() > 20 ? l.substring(0, 20) + "..." : l));
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(
                    name + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    private static FlowKey tupleKey(Context ctx) {
        String proto = require(ctx, "proto");
        byte[] src = ConnectionFilter.parseAddress(require(ctx, "src"));
        byte[] dst = ConnectionFilter.parseAddress(require(ctx, "dst"));
        if (src.length != dst.length) {
            throw new IllegalArgumentException("src and dst must both be IPv4 or both IPv6");
        }
        int sport =
                ConnectionFilter.parsePort(
                        ctx.queryParamAsClass("sport", String.class).getOrDefault("0"));
        int dport =
                ConnectionFilter.parsePort(
                        ctx.queryParamAsClass("dport", String.class).getOrDefault("0"));
        return FlowKeys.of(
                src.length == 4 ? 4 : 6,
                ConnectionFilter.parseProtocol(proto),
                src,
                sport,
                dst,
                dport);
    }

    private static String require(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing query parameter '" + name + "'");
        }
        return v;
    }

    static void json(Context ctx, JsonNode node) {
        ctx.contentType("application/json").result(node.toString());
    }

    static void jsonOr404(Context ctx, JsonNode node) {
        if (node == null) {
            error(ctx, 404, "not found");
        } else {
            json(ctx, node);
        }
    }

    static void error(Context ctx, int status, String message) {
        if (status == 503) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        ObjectNode n =
                JsonViews.MAPPER.createObjectNode().put("error", message).put("status", status);
        ctx.status(status).contentType("application/json").result(n.toString());
    }
}
