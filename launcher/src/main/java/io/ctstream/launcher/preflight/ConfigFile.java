package io.ctstream.launcher.preflight;

import io.ctstream.launcher.errors.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The {@code --config} file: Kafka client properties passed on as they are, plus ctstream's own keys. A key
 * no client knows is refused, naming it: the Kafka clients only log "supplied but isn't a known config" for
 * it, so a misspelt {@code sasl.mechanism} would surface later as an authentication failure.
 */
public final class ConfigFile {
    /** ctstream's own keys, and the serde's. */
    private static final Set<String> OWN = Set.of("topic.prefix", "auto.register.schemas", "specific.avro.key.type",
            "specific.avro.value.type", "basic.auth.credentials.source", "basic.auth.user.info");
    /** Prefixes the clients accept: the serde's registry settings, Kafka Streams' per-client and topic settings. */
    private static final List<String> PREFIXES = List.of("schema.registry.", StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.TOPIC_PREFIX,
            "metrics.context.");
    private static final Set<String> KNOWN = known();

    private ConfigFile() {
    }

    private static Set<String> known() {
        Set<String> all = new HashSet<>(OWN);
        all.addAll(ProducerConfig.configNames());
        all.addAll(ConsumerConfig.configNames());
        all.addAll(AdminClientConfig.configNames());
        all.addAll(StreamsConfig.configDef().names());
        return Set.copyOf(all);
    }

    /** Reads {@code file}; a missing or unreadable file, or an unknown key, is a usage error naming it. */
    public static Properties load(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw UserException.usage("--config " + file + ": no such file", e);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape
            throw UserException.usage("--config " + file + ": cannot read: " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        for (String key : props.stringPropertyNames()) {
            if (!KNOWN.contains(key) && PREFIXES.stream().noneMatch(key::startsWith)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            throw UserException.usage("--config " + file + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (neither a Kafka client setting nor one of ctstream's: "
                    + "schema.registry.url, topic.prefix, schema.registry.*, basic.auth.*)");
        }
        return props;
    }
}
