package io.ctstream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.FlowKey;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.streams.json.JsonViews;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.function.Consumer;

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
 */
public final class QueryServer implements AutoCloseable {
    public static final int DEFAULT_LIMIT = 1000;

    private final Javalin app;

    public QueryServer(ConnectionQueries<?> connections, ExpectationQueries expectations, Consumer<Javalin> moreRoutes) {
        app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        app.exception(QueryException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.get("/health", ctx -> json(ctx, JsonViews.MAPPER.createObjectNode().put("status", "up")));
        app.get("/connections/counts", ctx -> {
            ConnectionFilter f = ConnectionFilter.fromParams(ctx::queryParam);
            json(ctx, local(ctx) ? connections.localCounts(f) : connections.counts(f));
        });
        app.get("/connections/lookup", ctx -> {
            JsonNode found;
            if (ctx.queryParam("key") != null) {
                found = connections.localByFlowKey(connections.decodeKey(ctx.queryParam("key")));
            } else {
                FlowKey key = tupleKey(ctx);
                found = local(ctx) ? connections.localByFlowKey(key) : connections.byFlowKey(key);
            }
            jsonOr404(ctx, found);
        });
        app.get("/connections", ctx -> {
            ConnectionFilter f = ConnectionFilter.fromParams(ctx::queryParam);
            int limit = limit(ctx);
            json(ctx, local(ctx) ? connections.localList(f, limit) : connections.list(f, limit));
        });
        app.get("/connections/{id}", ctx -> {
            String id = ctx.pathParam("id");
            jsonOr404(ctx, local(ctx) ? connections.localById(id) : connections.byId(id));
        });
        app.get("/connections/{id}/related", ctx -> {
            ConnectionFilter f = ConnectionFilter.childrenOf(ctx.pathParam("id"));
            int limit = limit(ctx);
            json(ctx, local(ctx) ? connections.localList(f, limit) : connections.list(f, limit));
        });
        app.get("/expectations", ctx -> {
            ExpectationQueries.Filter f = ExpectationQueries.Filter.fromParams(ctx::queryParam);
            int limit = limit(ctx);
            json(ctx, local(ctx) ? expectations.localList(f, limit) : expectations.list(f, limit));
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

    static int limit(Context ctx) {
        String l = ctx.queryParam("limit");
        if (l == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int v = Integer.parseInt(l);
            if (v < 1) {
                throw new IllegalArgumentException("limit must be >= 1");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit is not a number: " + l);
        }
    }

    private static FlowKey tupleKey(Context ctx) {
        String proto = require(ctx, "proto");
        byte[] src = ConnectionFilter.parseAddress(require(ctx, "src"));
        byte[] dst = ConnectionFilter.parseAddress(require(ctx, "dst"));
        if (src.length != dst.length) {
            throw new IllegalArgumentException("src and dst must both be IPv4 or both IPv6");
        }
        int sport = ConnectionFilter.parsePort(ctx.queryParamAsClass("sport", String.class).getOrDefault("0"));
        int dport = ConnectionFilter.parsePort(ctx.queryParamAsClass("dport", String.class).getOrDefault("0"));
        return FlowKeys.of(src.length == 4 ? 4 : 6, ConnectionFilter.parseProtocol(proto), src, sport, dst, dport);
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
        ObjectNode n = JsonViews.MAPPER.createObjectNode().put("error", message).put("status", status);
        ctx.status(status).contentType("application/json").result(n.toString());
    }
}
