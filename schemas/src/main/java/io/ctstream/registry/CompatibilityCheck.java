package io.ctstream.registry;

import io.ctstream.serde.AvroSerdeConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns at start when a subject a component writes has compatibility NONE (its own level, or the
 * registry's when it has none): the registry would then accept any schema under it, and a change
 * that breaks every reader of the topic would go unnoticed until they fail. ctstream's own schema
 * changes are backward compatible (schemas README); an external registry should say BACKWARD (or
 * stricter) for its subjects. A registry that cannot be asked is not an error here: the serdes
 * report it on first use.
 */
public final class CompatibilityCheck {
    private static final Logger LOG = LoggerFactory.getLogger(CompatibilityCheck.class);

    private CompatibilityCheck() {}

    /**
     * The value subjects ({@code <topic>-value}) of {@code topics} whose compatibility is NONE,
     * each warned about.
     */
    public static List<String> warnIfNone(Map<String, ?> serdeConfig, Collection<String> topics) {
        Object url = serdeConfig.get("schema.registry.url");
        if (url != null && url.toString().startsWith(InProcessRegistry.SCHEME + ":")) {
            return List
                    .of(); // a registry inside this process: nobody else writes under its subjects
        }
        try {
            return warnIfNone(
                    new SchemaRegistryClient(
                            new AvroSerdeConfig(serdeConfig).registryClientConfig()),
                    topics);
        } catch (RuntimeException e) {
            LOG.debug("compatibility of {} not checked: {}", topics, e.getMessage());
            return List.of();
        }
    }

    public static List<String> warnIfNone(SchemaRegistryClient client, Collection<String> topics) {
        List<String> none = new ArrayList<>();
        CompatibilityLevel global;
        try {
            global = client.globalCompatibility();
        } catch (RuntimeException e) {
            LOG.debug("compatibility not checked, the registry did not answer: {}", e.getMessage());
            return none;
        }
        for (String topic : topics) {
            String subject = topic + "-value";
            CompatibilityLevel level;
            try {
                level = client.subjectCompatibility(subject).orElse(global);
            } catch (RuntimeException e) {
                level = global;
            }
            if (level == CompatibilityLevel.NONE) {
                none.add(subject);
                LOG.warn(
                        "schema registry subject {} has compatibility NONE: any schema would be accepted under it, even "
                                + "one no reader can read; set BACKWARD (PUT {}/config/{} {{\"compatibility\": \"BACKWARD\"}})",
                        subject,
                        client.baseUrl(),
                        subject);
            }
        }
        return none;
    }
}
