package io.ctstream.streams.rules;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.enforcement.report.RulesInForce;
import io.ctstream.streams.json.JsonViews;
import io.ctstream.streams.query.QueryException;
import io.javalin.Javalin;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * {@code GET /gateways/{gateway}/rules}: the rules in force on a gateway ({@link GatewayRules}), as
 * {@code ctstream verdict list} prints them. Any instance answers for the whole cluster: each reads
 * both topics itself, so there is nothing to route. 503 with {@code Retry-After} until the instance
 * has read what the topics held when it started.
 */
public final class GatewayRulesRoute {
    /** A gateway id as the policy allows it. */
    static final Pattern GATEWAY_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private GatewayRulesRoute() {}

    public static void addTo(Javalin app, GatewayRules rules) {
        app.get(
                "/gateways/{gateway}/rules",
                ctx -> {
                    String gateway = ctx.pathParam("gateway");
                    if (!GATEWAY_ID.matcher(gateway).matches()) {
                        throw new QueryException(
                                400, "gateway id: letters, digits, _ . : - only, at most 128");
                    }
                    if (!rules.caughtUp()) {
                        throw new QueryException(
                                503, "the enforcement reports are still being read; retry");
                    }
                    ArrayNode list = JsonViews.MAPPER.createArrayNode();
                    for (RulesInForce.Rule r : rules.inForce(gateway)) {
                        list.add(json(r));
                    }
                    ObjectNode out = JsonViews.MAPPER.createObjectNode().put("gateway", gateway);
                    out.set("rules", list);
                    ctx.contentType("application/json").result(out.toString());
                });
    }

    static ObjectNode json(RulesInForce.Rule r) {
        return JsonViews.MAPPER
                .createObjectNode()
                .put("origin", r.origin())
                .put("action", r.action().name())
                .put("match", r.match())
                .put("element", r.element().toString())
                .put("verdict_id", r.verdictId())
                .put("key_id", r.keyId())
                .put("reason", r.reason())
                .put("since", Instant.ofEpochSecond(0, r.sinceMicros() * 1000).toString())
                .put("until", Instant.ofEpochSecond(0, r.untilMicros() * 1000).toString())
                .put("since_micros", r.sinceMicros())
                .put("until_micros", r.untilMicros());
    }
}
