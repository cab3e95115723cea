package io.ctstream.schemas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.avro.Schema;

/** Finds named types and record fields without a {@code doc}. */
final class SchemaDocs {
    private SchemaDocs() {}

    static List<String> undocumented(Collection<Schema> namedTypes) {
        List<String> missing = new ArrayList<>();
        for (Schema schema : namedTypes) {
            if (isBlank(schema.getDoc())) {
                missing.add(schema.getFullName() + " (the type itself)");
            }
            if (schema.getType() == Schema.Type.RECORD) {
                for (Schema.Field field : schema.getFields()) {
                    if (isBlank(field.doc())) {
                        missing.add(schema.getFullName() + "." + field.name());
                    }
                }
            }
        }
        return missing;
    }

    private static boolean isBlank(String doc) {
        return doc == null || doc.isBlank();
    }
}
