package io.ctstream.launcher.config;

import io.ctstream.streams.config.StreamsKeys;
import io.ctstream.streams.config.Tunable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every key a config file or {@code --set} may name: ctstream's tunables ({@link StreamsKeys},
 * {@link EdgeKeys}), which the components bind, and the Kafka clients' own settings, which are
 * passed to the clients as they are.
 */
public final class ConfigKeys {
    /** ctstream's own client keys, and the serde's. */
    private static final Set<String> OWN_CLIENT =
            Set.of(
                    "topic.prefix",
                    "schema.registry.url",
                    "auto.register.schemas",
                    "specific.avro.key.type",
                    "specific.avro.value.type",
                    "basic.auth.credentials.source",
                    "basic.auth.user.info");

    /**
     * Prefixes the clients accept: the serde's registry settings, Kafka Streams' per-client and
     * topic settings.
     */
    private static final List<String> CLIENT_PREFIXES =
            List.of(
                    "schema.registry.",
                    StreamsConfig.PRODUCER_PREFIX,
                    StreamsConfig.CONSUMER_PREFIX,
                    StreamsConfig.ADMIN_CLIENT_PREFIX,
                    StreamsConfig.MAIN_CONSUMER_PREFIX,
                    StreamsConfig.RESTORE_CONSUMER_PREFIX,
                    StreamsConfig.GLOBAL_CONSUMER_PREFIX,
                    StreamsConfig.TOPIC_PREFIX,
                    "metrics.context.");

    private static final List<Tunable<?>> TUNABLES = tunables();
    private static final Set<String> TUNABLE_NAMES =
            Set.copyOf(TUNABLES.stream().map(Tunable::name).toList());

    private ConfigKeys() {}

    /** Every ctstream tunable, in documentation order. */
    public static List<Tunable<?>> tunables() {
        List<Tunable<?>> all = new ArrayList<>(StreamsKeys.KEYS.keys());
        all.addAll(EdgeKeys.KEYS.keys());
        return List.copyOf(all);
    }

    public static boolean isTunable(String key) {
        return TUNABLE_NAMES.contains(key);
    }

    public static boolean isClientKey(String key) {
        return ClientKeys.ALL.contains(key) || CLIENT_PREFIXES.stream().anyMatch(key::startsWith);
    }

    /**
     * The message for an unknown key, naming it and the closest known key, e.g. {@code unknown key
     * conntrack.udp.timout (did you mean conntrack.udp.timeout?)}.
     */
    public static String unknown(String key) {
        return "unknown key "
                + key
                + closest(key)
                        .map(k -> " (did you mean " + k + "?)")
                        .orElse(
                                " (neither a ctstream setting, see CONFIGURATION.md, nor a Kafka client setting)");
    }

    /**
     * The known key nearest to {@code key} by edit distance, if one is near enough to be a typo.
     */
    public static Optional<String> closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Collection<String> names : List.of(TUNABLE_NAMES, ClientKeys.ALL)) {
            for (String name : names) {
                int d = distance(key, name);
                if (d < bestDistance || d == bestDistance && name.compareTo(best) < 0) {
                    best = name;
                    bestDistance = d;
                }
            }
        }
        // a third of the key's length at most: beyond that the suggestion is noise
        return best != null && bestDistance <= Math.max(2, key.length() / 3)
                ? Optional.of(best)
                : Optional.empty();
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The Kafka clients' keys, loaded on first use only: their config classes cost a cold start
     * (analyze without a config file needs none of them).
     */
    private static final class ClientKeys {
        static final Set<String> ALL = clientKeys();

        private static Set<String> clientKeys() {
            Set<String> all = new HashSet<>(OWN_CLIENT);
            all.addAll(ProducerConfig.configNames());
            all.addAll(ConsumerConfig.configNames());
            all.addAll(AdminClientConfig.configNames());
            all.addAll(StreamsConfig.configDef().names());
            return Set.copyOf(all);
        }
    }
}
