package io.ctstream.streams.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.streams.json.JsonViews;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Queries over the live expectations: the tracker's store of every expectation a master announced
 * that has not ended yet (not fulfilled, evicted, expired or gone with its master), kept on the
 * master's partition. A list is fanned out to every instance, as for connections; an expectation is
 * shown in the shape of the kernel-oracle files with outcome {@code pending}.
 */
public final class ExpectationQueries {

    /** Which live expectations to list; null fields match everything. */
    public record Filter(String helper, String masterId) {
        public static Filter fromParams(Function<String, String> param) {
            String master = param.apply("master");
            return new Filter(
                    param.apply("helper"),
                    master == null ? null : QueryParams.connectionId("master", master));
        }

        Map<String, String> toParams() {
            Map<String, String> p = new LinkedHashMap<>();
            if (helper != null) {
                p.put("helper", helper);
            }
            if (masterId != null) {
                p.put("master", masterId);
            }
            return p;
        }

        boolean matches(ExpectationEvent e) {
            return (helper == null || helper.equalsIgnoreCase(e.getHelper()))
                    && (masterId == null || masterId.equals(e.getMaster().getConnectionId()));
        }
    }

    private final KafkaStreams streams;
    private final String store;
    private final InstanceRouter router;

    public ExpectationQueries(KafkaStreams streams, String store, InstanceRouter router) {
        this.streams = streams;
        this.store = store;
        this.router = router;
    }

    /** Live expectations that match, from every instance, at most {@code limit}. */
    public ArrayNode list(Filter filter, int limit) {
        return router.listEverywhere(
                store, "/expectations", filter.toParams(), limit, () -> localList(filter, limit));
    }

    public ArrayNode localList(Filter filter, int limit) {
        ArrayNode out = JsonViews.MAPPER.createArrayNode();
        try (KeyValueIterator<String, ExpectationEvent> it = localStore().all()) {
            while (it.hasNext() && out.size() < limit) {
                ExpectationEvent created = it.next().value;
                if (filter.matches(created)) {
                    out.add(JsonViews.expectation(created, created));
                }
            }
        }
        return out;
    }

    private ReadOnlyKeyValueStore<String, ExpectationEvent> localStore() {
        try {
            return streams.store(
                    StoreQueryParameters.fromNameAndType(
                            store, QueryableStoreTypes.<String, ExpectationEvent>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new QueryException(
                    503, "store " + store + " not queryable here yet: " + e.getMessage());
        }
    }
}
