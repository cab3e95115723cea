package io.ctstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.embedded.junit.EmbeddedCluster;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link SchemaRegistryClient} against the real Apicurio registry's Confluent-compatible API. */
@ExtendWith(EmbeddedCluster.class)
class SchemaRegistryClientIntegrationTest {
    private static final Schema V1 =
            SchemaBuilder.record("Probe")
                    .namespace("io.ctstream.test")
                    .fields()
                    .requiredInt("a")
                    .endRecord();

    /** V1 plus a field with a default: BACKWARD compatible. */
    private static final Schema V2 =
            SchemaBuilder.record("Probe")
                    .namespace("io.ctstream.test")
                    .fields()
                    .requiredInt("a")
                    .name("b")
                    .type()
                    .stringType()
                    .stringDefault("")
                    .endRecord();

    /**
     * V1 plus a field without default: a V2 reader cannot read V1 data, so not BACKWARD compatible.
     */
    private static final Schema INCOMPATIBLE =
            SchemaBuilder.record("Probe")
                    .namespace("io.ctstream.test")
                    .fields()
                    .requiredInt("a")
                    .requiredLong("c")
                    .endRecord();

    /** A client with empty caches, so every answer below comes from the registry. */
    private static SchemaRegistryClient freshClient() {
        return SchemaRegistryClient.create(EmbeddedCluster.schemaRegistryUrl());
    }

    private static String uniqueSubject() {
        return EmbeddedCluster.uniqueTopic("client") + "-value";
    }

    @Test
    void registerLookupByIdLatestAndSubjects() {
        String subject = uniqueSubject();
        int id = freshClient().register(subject, V1);

        SchemaRegistryClient client = freshClient();
        assertThat(client.register(subject, V1))
                .as("registering again gives the same id")
                .isEqualTo(id);
        RegisteredSchema found = freshClient().lookup(subject, V1);
        assertThat(found.id()).isEqualTo(id);
        assertThat(found.version()).isEqualTo(1);
        assertThat(found.subject()).isEqualTo(subject);
        assertThat(freshClient().schemaById(id)).isEqualTo(V1);
        RegisteredSchema latest = freshClient().latest(subject);
        assertThat(latest.id()).isEqualTo(id);
        assertThat(latest.version()).isEqualTo(1);
        assertThat(latest.schema()).isEqualTo(V1);
        assertThat(freshClient().subjects()).contains(subject);
    }

    @Test
    void aNewVersionBecomesLatest() {
        String subject = uniqueSubject();
        SchemaRegistryClient client = freshClient();
        int first = client.register(subject, V1);
        int second = client.register(subject, V2);

        assertThat(second).isNotEqualTo(first);
        RegisteredSchema latest = freshClient().latest(subject);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(second);
        assertThat(latest.schema()).isEqualTo(V2);
        assertThat(freshClient().lookup(subject, V1).version()).isEqualTo(1);
    }

    @Test
    void compatibilityCheckUnderBackward() {
        String subject = uniqueSubject();
        SchemaRegistryClient client = freshClient();
        client.register(subject, V1);
        client.setSubjectCompatibility(subject, CompatibilityLevel.BACKWARD);
        assertThat(client.subjectCompatibility(subject)).contains(CompatibilityLevel.BACKWARD);

        CompatibilityResult incompatible = client.testCompatibility(subject, INCOMPATIBLE);
        assertThat(incompatible.compatible()).isFalse();
        assertThat(client.testCompatibility(subject, V2).compatible()).isTrue();

        assertThatThrownBy(() -> client.register(subject, INCOMPATIBLE))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(409);
                            assertThat(e.errorCode())
                                    .isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                            assertThat(e.registryMessage()).isNotBlank();
                        });
        assertThat(freshClient().latest(subject).version())
                .as("the incompatible schema was not registered")
                .isEqualTo(1);
    }

    @Test
    void subjectConfigIsWrittenAndRead() {
        String subject = uniqueSubject();
        SchemaRegistryClient client = freshClient();
        client.register(subject, V1);
        client.setSubjectCompatibility(subject, CompatibilityLevel.NONE);
        assertThat(client.subjectCompatibility(subject)).contains(CompatibilityLevel.NONE);
        // (Apicurio maps a subject's NONE to "no subject rule", so the global BACKWARD still
        // applies to checks)
    }

    @Test
    void globalConfigGetAndSet() {
        SchemaRegistryClient client = freshClient();
        CompatibilityLevel before = client.globalCompatibility();
        assertThat(before)
                .as("the embedded registry is set to BACKWARD")
                .isEqualTo(CompatibilityLevel.BACKWARD);
        try {
            client.setGlobalCompatibility(CompatibilityLevel.FULL);
            assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.FULL);
        } finally {
            client.setGlobalCompatibility(before);
        }
        assertThat(client.globalCompatibility()).isEqualTo(before);
    }

    @Test
    void missingSubjectIs40401() {
        String subject = uniqueSubject();
        assertThatThrownBy(() -> freshClient().latest(subject))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(404);
                            assertThat(e.errorCode())
                                    .isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
                            assertThat(e.isNotFound()).isTrue();
                        })
                .hasMessageContaining(subject);
        assertThatThrownBy(() -> freshClient().lookup(subject, V1))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e ->
                                assertThat(e.errorCode())
                                        .isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    }

    @Test
    void unregisteredSchemaUnderAnExistingSubjectIs40403() {
        String subject = uniqueSubject();
        freshClient().register(subject, V1);
        assertThatThrownBy(() -> freshClient().lookup(subject, V2))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e ->
                                assertThat(e.errorCode())
                                        .isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void unknownIdIs40403() {
        assertThatThrownBy(() -> freshClient().schemaById(Integer.MAX_VALUE))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(404);
                            assertThat(e.errorCode())
                                    .isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                        });
    }

    @Test
    void theServerRootIsNotTheApicurioBaseUrl() {
        String url = EmbeddedCluster.schemaRegistryUrl();
        String root = url.substring(0, url.indexOf("/apis/ccompat/v7"));
        assertThatThrownBy(() -> SchemaRegistryClient.create(root).subjects())
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(404))
                .hasMessageContaining("is the base URL right?");
    }
}
