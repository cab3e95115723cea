package io.ctstream.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The schema release rule: every named type of a released version must still exist, and its current schema
 * must be BACKWARD compatible with the released one: a reader with the current schema reads data written with
 * the released schema (Avro schema resolution). Consumers can then be upgraded before producers.
 */
final class BackwardCompatibilityGuard {
    private BackwardCompatibilityGuard() {
    }

    /**
     * Problems of {@code current} against one released version; empty when the rule holds.
     *
     * @param version  name of the released version, for the messages
     * @param released named types of the released version, by full name
     * @param current  named types of the current schemas, by full name
     */
    static List<String> problems(String version, Map<String, Schema> released, Map<String, Schema> current) {
        List<String> problems = new ArrayList<>();
        released.forEach((name, old) -> {
            Schema now = current.get(name);
            if (now == null) {
                problems.add(name + " was released in " + version + " but no longer exists (rename or removal breaks old data)");
                return;
            }
            SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(now, old);
            for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
                problems.add(name + " cannot read data written with its " + version + " schema: "
                        + incompatibility.getType() + " at " + fieldPath(now, incompatibility.getLocation()) + " ("
                        + incompatibility.getLocation() + "): " + incompatibility.getMessage());
            }
        });
        return problems;
    }

    /** Turns Avro's JSON-pointer-like location ("/fields/3/type/fields/0") into field names ("portA.x"). */
    static String fieldPath(Schema reader, String location) {
        List<String> names = new ArrayList<>();
        Schema schema = reader;
        String[] parts = location.split("/");
        for (int i = 0; i < parts.length && schema != null; i++) {
            String part = parts[i];
            if (part.equals("fields") && i + 1 < parts.length && schema.getType() == Schema.Type.RECORD) {
                int index = Integer.parseInt(parts[++i]);
                if (index >= schema.getFields().size()) {
                    break;
                }
                Schema.Field field = schema.getFields().get(index);
                names.add(field.name());
                schema = field.schema();
            } else if (part.equals("items") && schema.getType() == Schema.Type.ARRAY) {
                schema = schema.getElementType();
            } else if (part.equals("values") && schema.getType() == Schema.Type.MAP) {
                schema = schema.getValueType();
            } else if (part.matches("\\d+") && schema.getType() == Schema.Type.UNION && Integer.parseInt(part) < schema.getTypes().size()) {
                schema = schema.getTypes().get(Integer.parseInt(part));
            }
        }
        return names.isEmpty() ? "the top level" : "field " + String.join(".", names);
    }
}
