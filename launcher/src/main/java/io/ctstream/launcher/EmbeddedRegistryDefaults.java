package io.ctstream.launcher;

import io.ctstream.registry.CompatibilityLevel;
import io.ctstream.registry.SchemaRegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the launcher sets on the schema registry it starts itself. The embedded registry (Apicurio)
 * starts with compatibility NONE, on which every component warns at start (CompatibilityCheck),
 * rightly for a registry users run but as noise for the one a demo or {@code ctstream up} just
 * made: it gets BACKWARD, the level the deployment guide asks of an external registry.
 */
final class EmbeddedRegistryDefaults {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistryDefaults.class);

    private EmbeddedRegistryDefaults() {}

    static void apply(String registryUrl) {
        try {
            SchemaRegistryClient.create(registryUrl)
                    .setGlobalCompatibility(CompatibilityLevel.BACKWARD);
        } catch (RuntimeException e) {
            LOG.warn(
                    "embedded schema registry: compatibility not set to BACKWARD: {}",
                    e.getMessage());
        }
    }
}
