package io.ctstream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.embedded.junit.EmbeddedCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedCluster.class)
class CompatibilityCheckTest {

    @Test
    void aSubjectWithCompatibilityNoneIsReportedOthersAreNot() {
        SchemaRegistryClient client =
                SchemaRegistryClient.create(EmbeddedCluster.schemaRegistryUrl());
        String loose = EmbeddedCluster.uniqueTopic("compat-none");
        String strict = EmbeddedCluster.uniqueTopic("compat-backward");
        // Apicurio keeps a level only for a subject that exists
        client.register(loose + "-value", io.ctstream.avro.Tuple.getClassSchema());
        client.register(strict + "-value", io.ctstream.avro.Tuple.getClassSchema());
        client.setSubjectCompatibility(loose + "-value", CompatibilityLevel.NONE);
        client.setSubjectCompatibility(strict + "-value", CompatibilityLevel.BACKWARD);

        assertThat(
                        CompatibilityCheck.warnIfNone(
                                client,
                                List.of(loose, strict, EmbeddedCluster.uniqueTopic("fresh"))))
                .as(
                        "a subject without a level of its own has the registry's: BACKWARD on the embedded one")
                .containsExactly(loose + "-value");
        assertThat(
                        CompatibilityCheck.warnIfNone(
                                Map.of("schema.registry.url", EmbeddedCluster.schemaRegistryUrl()),
                                List.of(strict, loose)))
                .containsExactly(loose + "-value");
    }

    @Test
    void anInProcessRegistryIsNotChecked() {
        assertThat(
                        CompatibilityCheck.warnIfNone(
                                Map.of("schema.registry.url", "mock://check"), List.of("t")))
                .isEmpty();
    }

    @Test
    void anUnreachableRegistryIsNotAnErrorHere() {
        assertThat(
                        CompatibilityCheck.warnIfNone(
                                Map.of("schema.registry.url", "http://127.0.0.1:9"), List.of("t")))
                .isEmpty();
    }
}
