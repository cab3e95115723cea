package io.ctstream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.ctstream.streams.json.JsonViews;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows which instance of the application owns which part of a store, from Kafka Streams' own
 * metadata (each instance advertises its query endpoint as {@code application.server}), and calls
 * other instances' local-only endpoints over HTTP.
 */
public final class InstanceRouter {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceRouter.class);
    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** The {@code Authorization} header the other instances require, or null. */
    private final String authorization;

    public InstanceRouter(KafkaStreams streams, HostInfo self) {
        this(streams, self, null);
    }

    /**
     * @param token the query API's bearer token, sent to the other instances; null for none
     */
    public InstanceRouter(KafkaStreams streams, HostInfo self, String token) {
        this.streams = streams;
        this.self = self;
        this.authorization = token == null ? null : "Bearer " + token;
    }

    public HostInfo self() {
        return self;
    }

    public boolean isSelf(HostInfo host) {
        return self.equals(host);
    }

    /** Every instance that hosts a part of the store (this one included when it does). */
    public Set<HostInfo> hostsOf(String store) {
        Collection<StreamsMetadata> all = streams.streamsMetadataForStore(store);
        Set<HostInfo> hosts =
                all.stream()
                        .map(StreamsMetadata::hostInfo)
                        .collect(Collectors.toCollection(LinkedHashSet::new));
        if (hosts.isEmpty()) {
            hosts.add(self);
        }
        return hosts;
    }

    /** The instance that owns the key's partition of the store, or null while rebalancing. */
    public <K> HostInfo ownerOf(String store, K key, Serializer<K> serializer) {
        KeyQueryMetadata md = streams.queryMetadataForKey(store, key, serializer);
        if (md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return null;
        }
        return md.activeHost();
    }

    /**
     * A list answered by every instance that hosts a part of {@code store}, concatenated up to
     * {@code limit}: this instance answers with {@code local}, the others through {@code path} with
     * {@code params} plus {@code local=true} and the limit.
     */
    public ArrayNode listEverywhere(
            String store,
            String path,
            Map<String, String> params,
            int limit,
            Supplier<JsonNode> local) {
        ArrayNode out = JsonViews.MAPPER.createArrayNode();
        for (HostInfo host : hostsOf(store)) {
            JsonNode part;
            if (isSelf(host)) {
                part = local.get();
            } else {
                Map<String, String> remote = new HashMap<>(params);
                remote.put("limit", Integer.toString(limit));
                remote.put("local", "true");
                part = get(host, path, remote);
            }
            if (part != null) {
                for (JsonNode item : part) {
                    if (out.size() >= limit) {
                        return out;
                    }
                    out.add(item);
                }
            }
        }
        return out;
    }

    /** GET a local-only endpoint of another instance. */
    public JsonNode get(HostInfo host, String path, Map<String, String> params) {
        String query =
                params.entrySet().stream()
                        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                        .collect(Collectors.joining("&"));
        URI uri =
                URI.create(
                        "http://"
                                + host.host()
                                + ":"
                                + host.port()
                                + path
                                + (query.isEmpty() ? "" : "?" + query));
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> r =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return null;
            }
            if (r.statusCode() == 503) { // the other instance is rebalancing: so is the answer
                throw new QueryException(503, "another instance is rebalancing; retry");
            }
            if (r.statusCode() != 200) {
                // the other instance's address and answer go to the log, not to the client
                LOG.warn("instance {} answered {} to {}: {}", host, r.statusCode(), path, r.body());
                throw new QueryException(502, "another instance answered " + r.statusCode());
            }
            return JsonViews.MAPPER.readTree(r.body());
        } catch (IOException e) {
            LOG.warn("instance {} unreachable for {}: {}", host, path, e.toString());
            throw new QueryException(502, "another instance is unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(503, "interrupted");
        }
    }

    /** One URL path segment, encoded: whatever it holds stays one segment. */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
