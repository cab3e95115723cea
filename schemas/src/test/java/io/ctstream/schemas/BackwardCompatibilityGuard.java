package io.ctstream.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The schema release rule: every named type of a released version must still exist, and its current
 * schema must be BACKWARD compatible with the released one: a reader with the current schema reads
 * data written with the released schema (Avro schema resolution). Consumers can then be upgraded
 * before producers.
 */
final class BackwardCompatibilityGuard {
    private BackwardCompatibilityGuard() {}

    /**
     * Problems of {@code current} against one released version; empty when the rule holds.
     *
     * @param version name of the released version, for the messages
     * @param released named types of the released version, by full name
     * @param current named types of the current schemas, by full name
     */
    static List<String> problems(
            String version, Map<String, Schema> released, Map<String, Schema> current) {
        List<String> problems = new ArrayList<>();
        released.forEach(
                (name, old) -> {
                    Schema now = current.get(name);
                    if (now == null) {
                        problems.add(
                                name
                                        + " was released in "
                                        + version
                                        + " but no longer exists (rename or removal breaks old data)");
                        return;
                    }
                    for (String incompatibility : AvroIncompatibilities.describe(now, old)) {
                        problems.add(
                                name
                                        + " cannot read data written with its "
                                        + version
                                        + " schema: "
                                        + incompatibility);
                    }
                });
        return problems;
    }
}
