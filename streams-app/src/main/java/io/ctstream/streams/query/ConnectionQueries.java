package io.ctstream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.Connection;
import io.ctstream.avro.FlowKey;
import io.ctstream.serde.FlowKeySerde;
import io.ctstream.streams.json.JsonViews;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Queries over the connection store, answered for the whole cluster by any instance: a key lookup
 * goes to the instance that owns the key, a list or a count is fanned out to every instance and
 * merged. {@code local*} methods answer from this instance's own partitions only; other instances
 * call them through {@link QueryServer}'s {@code local=true} endpoints.
 *
 * @param <V> the store's value type; {@code view} turns it into the public {@link Connection}
 */
public final class ConnectionQueries<V> {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final KafkaStreams streams;
    private final String store;
    private final Function<V, Connection> view;
    private final InstanceRouter router;
    private final FlowKeySerde keySerde = new FlowKeySerde();

    public ConnectionQueries(
            KafkaStreams streams,
            String store,
            Function<V, Connection> view,
            InstanceRouter router) {
        this.streams = streams;
        this.store = store;
        this.view = view;
        this.router = router;
    }

    /**
     * The connection with this flow key, from whichever instance owns it; null when there is none.
     */
    public JsonNode byFlowKey(FlowKey key) {
        HostInfo owner = router.ownerOf(store, key, keySerde);
        if (owner == null) {
            throw new QueryException(503, "store " + store + " is rebalancing; retry");
        }
        if (router.isSelf(owner)) {
            return localByFlowKey(key);
        }
        return router.get(
                owner,
                "/connections/lookup",
                Map.of(
                        "key",
                        HexFormat.of().formatHex(keySerde.serialize(null, key)),
                        "local",
                        "true"));
    }

    public JsonNode localByFlowKey(FlowKey key) {
        V v = localStore().get(key);
        return v == null ? null : JsonViews.connection(view.apply(v));
    }

    /** Connections that match the filter, from every instance, at most {@code limit}. */
    public ArrayNode list(ConnectionFilter filter, int limit) {
        return router.listEverywhere(
                store, "/connections", filter.toParams(), limit, () -> localList(filter, limit));
    }

    public ArrayNode localList(ConnectionFilter filter, int limit) {
        ArrayNode out = F.arrayNode();
        try (KeyValueIterator<FlowKey, V> it = localStore().all()) {
            while (it.hasNext() && out.size() < limit) {
                KeyValue<FlowKey, V> kv = it.next();
                Connection c = view.apply(kv.value);
                if (filter.matches(c)) {
                    out.add(JsonViews.connection(c));
                }
            }
        }
        return out;
    }

    /** The connection with this id: ids do not say their partition, so every instance is asked. */
    public JsonNode byId(String id) {
        for (HostInfo host : router.hostsOf(store)) {
            JsonNode found =
                    router.isSelf(host)
                            ? localById(id)
                            : router.get(
                                    host,
                                    "/connections/" + InstanceRouter.segment(id),
                                    Map.of("local", "true"));
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    public JsonNode localById(String id) {
        try (KeyValueIterator<FlowKey, V> it = localStore().all()) {
            while (it.hasNext()) {
                Connection c = view.apply(it.next().value);
                if (c.getId().equals(id)) {
                    return JsonViews.connection(c);
                }
            }
        }
        return null;
    }

    /** Counts by conntrack state and by TCP state, summed over every instance. */
    public ObjectNode counts(ConnectionFilter filter) {
        Map<String, Long> ct = new TreeMap<>();
        Map<String, Long> tcp = new TreeMap<>();
        long total = 0;
        for (HostInfo host : router.hostsOf(store)) {
            JsonNode part;
            if (router.isSelf(host)) {
                part = localCounts(filter);
            } else {
                Map<String, String> params = new HashMap<>(filter.toParams());
                params.put("local", "true");
                part = router.get(host, "/connections/counts", params);
            }
            if (part == null) {
                continue;
            }
            total += part.path("total").asLong();
            part.path("by_ct_state")
                    .fields()
                    .forEachRemaining(e -> ct.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            part.path("by_tcp_state")
                    .fields()
                    .forEachRemaining(e -> tcp.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        return countsNode(ct, tcp, total);
    }

    public ObjectNode localCounts(ConnectionFilter filter) {
        Map<String, Long> ct = new TreeMap<>();
        Map<String, Long> tcp = new TreeMap<>();
        long total = 0;
        try (KeyValueIterator<FlowKey, V> it = localStore().all()) {
            while (it.hasNext()) {
                Connection c = view.apply(it.next().value);
                if (filter.matches(c)) {
                    total++;
                    ct.merge(c.getCtState().name(), 1L, Long::sum);
                    tcp.merge(c.getTcpState().name(), 1L, Long::sum);
                }
            }
        }
        return countsNode(ct, tcp, total);
    }

    private static ObjectNode countsNode(Map<String, Long> ct, Map<String, Long> tcp, long total) {
        ObjectNode n = F.objectNode();
        n.put("total", total);
        ObjectNode a = n.putObject("by_ct_state");
        ct.forEach(a::put);
        ObjectNode b = n.putObject("by_tcp_state");
        tcp.forEach(b::put);
        return n;
    }

    FlowKey decodeKey(String hex) {
        try {
            return keySerde.deserialize(null, HexFormat.of().parseHex(hex));
        } catch (RuntimeException e) {
            throw new QueryException(400, "bad flow key: " + e.getMessage());
        }
    }

    private ReadOnlyKeyValueStore<FlowKey, V> localStore() {
        try {
            return streams.store(
                    StoreQueryParameters.fromNameAndType(
                            store, QueryableStoreTypes.<FlowKey, V>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new QueryException(
                    503, "store " + store + " not queryable here yet: " + e.getMessage());
        }
    }
}
