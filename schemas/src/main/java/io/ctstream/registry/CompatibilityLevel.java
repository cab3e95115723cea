package io.ctstream.registry;

/**
 * Compatibility levels of the Confluent Schema Registry API (also understood by Apicurio's ccompat
 * API).
 */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE
}
