package io.ctstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@code mock://SCOPE}: registration, lookup and schemas by id without a server, shared within a
 * scope.
 */
class InProcessRegistryTest {

    private static final Schema A =
            SchemaBuilder.record("A").namespace("t").fields().requiredLong("x").endRecord();
    private static final Schema B =
            SchemaBuilder.record("B").namespace("t").fields().requiredString("y").endRecord();

    @Test
    void assignsOneIdPerSchemaSharedByTheClientsOfAScope() {
        SchemaRegistryClient first = SchemaRegistryClient.create("mock://registry-test-1");
        SchemaRegistryClient second = SchemaRegistryClient.create("mock://registry-test-1");
        int a = first.register("t1-value", A);
        int b = first.register("t2-value", B);
        assertThat(b).isNotEqualTo(a);
        assertThat(second.register("t3-value", A)).isEqualTo(a);
        assertThat(second.lookupId("t1-value", A)).isEqualTo(a);
        assertThat(second.schemaById(b)).isEqualTo(B);
        assertThat(second.subjects()).containsExactlyInAnyOrder("t1-value", "t2-value", "t3-value");
    }

    @Test
    void scopesAreApartAndUnknownsAreNotFound() {
        SchemaRegistryClient one = SchemaRegistryClient.create("mock://registry-test-2");
        one.register("t-value", A);
        SchemaRegistryClient other = SchemaRegistryClient.create("mock://registry-test-3");
        assertThatThrownBy(() -> other.lookupId("t-value", A))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isTrue());
        assertThatThrownBy(() -> one.lookupId("t-value", B))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isTrue());
        assertThatThrownBy(() -> other.schemaById(99)).isInstanceOf(SchemaRegistryException.class);
    }
}
