package io.ctstream.schemas;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/** Readable descriptions of why a reader schema cannot read data written with a writer schema. */
public final class AvroIncompatibilities {
    private AvroIncompatibilities() {}

    /**
     * One line per incompatibility, naming the field, e.g. {@code TYPE_MISMATCH at field
     * orig.srcPort (/fields/1/type/fields/3/type): reader type: STRING not compatible with writer
     * type: INT}; empty when {@code reader} can read data written with {@code writer}.
     */
    public static List<String> describe(Schema reader, Schema writer) {
        List<String> lines = new ArrayList<>();
        for (Incompatibility incompatibility :
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                        .getResult()
                        .getIncompatibilities()) {
            lines.add(
                    incompatibility.getType()
                            + " at "
                            + fieldPath(reader, incompatibility.getLocation())
                            + " ("
                            + incompatibility.getLocation()
                            + "): "
                            + incompatibility.getMessage());
        }
        return lines;
    }

    /**
     * Turns Avro's JSON-pointer-like location ("/fields/3/type/fields/0") into field names ("field
     * portA.x").
     */
    public static String fieldPath(Schema reader, String location) {
        List<String> names = new ArrayList<>();
        Schema schema = reader;
        String[] parts = location.split("/");
        for (int i = 0; i < parts.length && schema != null; i++) {
            String part = parts[i];
            if (part.equals("fields")
                    && i + 1 < parts.length
                    && schema.getType() == Schema.Type.RECORD) {
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
            } else if (part.matches("\\d+")
                    && schema.getType() == Schema.Type.UNION
                    && Integer.parseInt(part) < schema.getTypes().size()) {
                schema = schema.getTypes().get(Integer.parseInt(part));
            }
        }
        return names.isEmpty() ? "the top level" : "field " + String.join(".", names);
    }
}
