package io.ctstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/**
 * The schemas are the contract between components: every type and every field says what it holds.
 */
class SchemaDocumentationTest {

    @Test
    void everyTypeAndFieldOfEverySchemaHasADoc() {
        Map<String, Schema> current = AvroSchemaFiles.namedTypes(ReleasedSchemasTest.CURRENT);
        assertThat(current).hasSizeGreaterThan(15);
        assertThat(SchemaDocs.undocumented(current.values()))
                .as("types and fields without a doc")
                .isEmpty();
    }

    @Test
    void aFieldWithoutDocIsFound() {
        Schema schema =
                SchemaBuilder.record("R")
                        .namespace("t")
                        .doc("documented record")
                        .fields()
                        .name("a")
                        .doc("documented")
                        .type()
                        .intType()
                        .noDefault()
                        .name("b")
                        .type()
                        .intType()
                        .noDefault()
                        .endRecord();
        assertThat(SchemaDocs.undocumented(List.of(schema))).containsExactly("t.R.b");
    }

    @Test
    void aTypeWithoutDocIsFound() {
        Schema schema = SchemaBuilder.enumeration("E").namespace("t").symbols("X");
        assertThat(SchemaDocs.undocumented(List.of(schema)))
                .containsExactly("t.E (the type itself)");
    }
}
