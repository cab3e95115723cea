package io.ctstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.PacketRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * The schema release rule (see schemas/README.md): every schema of every released version under
 * src/test/resources/released/ still exists and the current schemas read data written with it.
 */
class ReleasedSchemasTest {
    static final Path CURRENT = Path.of("src/main/avro");
    static final Path RELEASED = Path.of("src/test/resources/released");

    static Map<String, Map<String, Schema>> releasedVersions() throws IOException {
        Map<String, Map<String, Schema>> versions = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(RELEASED)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                versions.put(dir.getFileName().toString(), AvroSchemaFiles.namedTypes(dir));
            }
        }
        return versions;
    }

    @Test
    void theFirstReleaseIsThere() throws IOException {
        Map<String, Map<String, Schema>> versions = releasedVersions();
        assertThat(versions).containsKey("v1");
        assertThat(versions.get("v1"))
                .containsKeys(
                        "io.ctstream.avro.PacketRecord",
                        "io.ctstream.avro.FlowKey",
                        "io.ctstream.avro.Connection",
                        "io.ctstream.avro.ConnectionEvent",
                        "io.ctstream.avro.ExpectationEvent",
                        "io.ctstream.avro.Verdict",
                        "io.ctstream.avro.EnforcementReport",
                        "io.ctstream.avro.Alert");
    }

    @Test
    void currentSchemasAreBackwardCompatibleWithEveryReleasedVersion() throws IOException {
        Map<String, Schema> current = AvroSchemaFiles.namedTypes(CURRENT);
        List<String> problems = new ArrayList<>();
        releasedVersions()
                .forEach(
                        (version, released) ->
                                problems.addAll(
                                        BackwardCompatibilityGuard.problems(
                                                version, released, current)));
        assertThat(problems)
                .as("backward-compatibility problems against released schemas")
                .isEmpty();
    }

    @Test
    void generatedClassesAreBackwardCompatibleWithEveryReleasedVersionToo() throws IOException {
        // the generated classes are what readers use: they must exist and read every released
        // version
        List<String> problems = new ArrayList<>();
        releasedVersions()
                .forEach(
                        (version, released) -> {
                            Map<String, Schema> generated = new TreeMap<>();
                            released.forEach(
                                    (name, schema) -> {
                                        Class<?> type = SpecificData.get().getClass(schema);
                                        if (type != null) {
                                            generated.put(name, SpecificData.get().getSchema(type));
                                        }
                                    });
                            problems.addAll(
                                    BackwardCompatibilityGuard.problems(
                                            version, released, generated));
                        });
        assertThat(problems)
                .as("problems of the generated classes against released schemas")
                .isEmpty();
    }

    @Test
    void theGuardFailsForAFieldAddedWithoutDefault() throws IOException {
        Map<String, Schema> released = releasedVersions().get("v1");
        Map<String, Schema> current = new TreeMap<>(AvroSchemaFiles.namedTypes(CURRENT));
        current.put(
                "io.ctstream.avro.PacketRecord",
                withExtraField(
                        PacketRecord.getClassSchema(),
                        "vlanId",
                        Schema.create(Schema.Type.INT),
                        null));

        List<String> problems = BackwardCompatibilityGuard.problems("v1", released, current);

        assertThat(problems)
                .singleElement()
                .asString()
                .contains(
                        "io.ctstream.avro.PacketRecord cannot read data written with its v1 schema")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("vlanId");
    }

    @Test
    void theGuardFailsForAChangedFieldType() throws IOException {
        Map<String, Schema> released = releasedVersions().get("v1");
        Map<String, Schema> current = new TreeMap<>(AvroSchemaFiles.namedTypes(CURRENT));
        Schema flowKey = current.get("io.ctstream.avro.FlowKey");
        current.put(
                "io.ctstream.avro.FlowKey",
                withFieldType(flowKey, "portA", Schema.create(Schema.Type.STRING)));

        assertThat(BackwardCompatibilityGuard.problems("v1", released, current))
                .singleElement()
                .asString()
                .contains("FlowKey")
                .contains("TYPE_MISMATCH")
                .contains("at field portA");
    }

    @Test
    void theGuardNamesTheNestedFieldThatBroke() throws IOException {
        Map<String, Schema> released = releasedVersions().get("v1");
        Map<String, Schema> current = new TreeMap<>(AvroSchemaFiles.namedTypes(CURRENT));
        Schema connectionRef = current.get("io.ctstream.avro.ConnectionRef");
        Schema brokenTuple =
                withFieldType(
                        current.get("io.ctstream.avro.Tuple"),
                        "srcPort",
                        Schema.create(Schema.Type.STRING));
        current.put(
                "io.ctstream.avro.ConnectionRef",
                withFieldType(connectionRef, "orig", brokenTuple));

        assertThat(BackwardCompatibilityGuard.problems("v1", released, current))
                .singleElement()
                .asString()
                .contains("io.ctstream.avro.ConnectionRef")
                .contains("at field orig.srcPort");
    }

    @Test
    void theGuardFailsForARemovedSchema() throws IOException {
        Map<String, Schema> released = releasedVersions().get("v1");
        Map<String, Schema> current = new TreeMap<>(AvroSchemaFiles.namedTypes(CURRENT));
        current.remove("io.ctstream.avro.Alert");

        assertThat(BackwardCompatibilityGuard.problems("v1", released, current))
                .singleElement()
                .asString()
                .contains("io.ctstream.avro.Alert was released in v1 but no longer exists");
    }

    @Test
    void theGuardAcceptsAFieldAddedWithADefault() throws IOException {
        Map<String, Schema> released = releasedVersions().get("v1");
        Map<String, Schema> current = new TreeMap<>(AvroSchemaFiles.namedTypes(CURRENT));
        current.put(
                "io.ctstream.avro.PacketRecord",
                withExtraField(
                        PacketRecord.getClassSchema(),
                        "vlanId",
                        Schema.create(Schema.Type.INT),
                        0));

        assertThat(BackwardCompatibilityGuard.problems("v1", released, current)).isEmpty();
    }

    /** A copy of {@code record} with one more field. */
    static Schema withExtraField(Schema record, String name, Schema type, Object defaultValue) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(
                defaultValue == null
                        ? new Schema.Field(name, type, "test field")
                        : new Schema.Field(name, type, "test field", defaultValue));
        return Schema.createRecord(
                record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    /** A copy of {@code record} with one field's type replaced. */
    static Schema withFieldType(Schema record, String name, Schema type) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            fields.add(
                    f.name().equals(name)
                            ? new Schema.Field(f.name(), type, f.doc())
                            : new Schema.Field(f, f.schema()));
        }
        return Schema.createRecord(
                record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    @Test
    void schemaBuilderSanity() {
        // the helpers above build schemas the way SchemaBuilder would
        Schema built =
                SchemaBuilder.record("R")
                        .namespace("t")
                        .doc("d")
                        .fields()
                        .requiredInt("a")
                        .endRecord();
        assertThat(
                        withExtraField(built, "b", Schema.create(Schema.Type.INT), 0)
                                .getField("b")
                                .defaultVal())
                .isEqualTo(0);
    }
}
