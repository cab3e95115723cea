package io.ctstream.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;

/**
 * A schema registry inside this JVM, for {@code mock://SCOPE} URLs (Confluent's convention for a
 * registry without a server): one per scope, shared by every client of that scope. It assigns ids
 * as a registry does (one id per distinct schema, whatever the subject) so records read back
 * exactly as with a real one; it keeps nothing after the JVM ends. What {@code ctstream analyze}
 * runs without a broker uses it: no HTTP, nothing to start.
 */
final class InProcessRegistry {
    /** The URL scheme that selects an in-process registry. */
    static final String SCHEME = "mock";

    private static final Map<String, InProcessRegistry> SCOPES = new ConcurrentHashMap<>();

    private final List<Schema> schemas = new CopyOnWriteArrayList<>();

    /** subject → (schema text → id). */
    private final Map<String, Map<String, Integer>> subjects = new ConcurrentHashMap<>();

    private InProcessRegistry() {}

    static InProcessRegistry scope(String name) {
        return SCOPES.computeIfAbsent(name, n -> new InProcessRegistry());
    }

    /** Drops a scope's schemas (a later client of the scope starts empty). */
    static void drop(String name) {
        SCOPES.remove(name);
    }

    synchronized int register(String subject, Schema schema) {
        String text = schema.toString();
        int id =
                idOf(text)
                        .orElseGet(
                                () -> {
                                    schemas.add(schema);
                                    return schemas.size();
                                });
        subjects.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(text, id);
        return id;
    }

    int lookup(String subject, Schema schema) {
        Map<String, Integer> ids = subjects.get(subject);
        if (ids == null) {
            throw new SchemaRegistryException(
                    "in-process registry: no subject '" + subject + "'",
                    404,
                    SchemaRegistryException.SUBJECT_NOT_FOUND,
                    null,
                    null);
        }
        Integer id = ids.get(schema.toString());
        if (id == null) {
            throw new SchemaRegistryException(
                    "in-process registry: schema not registered under '" + subject + "'",
                    404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND,
                    null,
                    null);
        }
        return id;
    }

    Schema byId(int id) {
        if (id < 1 || id > schemas.size()) {
            throw new SchemaRegistryException(
                    "in-process registry: no schema with id " + id,
                    404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND,
                    null,
                    null);
        }
        return schemas.get(id - 1);
    }

    List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    private Optional<Integer> idOf(String text) {
        for (int i = 0; i < schemas.size(); i++) {
            if (schemas.get(i).toString().equals(text)) {
                return Optional.of(i + 1);
            }
        }
        return Optional.empty();
    }
}
