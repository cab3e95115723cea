package io.ctstream.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * Reads a directory tree of .avsc files (one named type per file, referring to each other by name).
 */
final class AvroSchemaFiles {
    private AvroSchemaFiles() {}

    /**
     * Every named type defined in the .avsc files under {@code dir}, including types defined inline
     * inside others (e.g. an enum declared in a field), by full name.
     */
    static Map<String, Schema> namedTypes(Path dir) {
        Map<String, Schema> all = new TreeMap<>();
        for (Schema schema : parseAll(dir).values()) {
            collectNamed(schema, all);
        }
        return all;
    }

    /**
     * The type each file defines, by file (relative path). Files are parsed in dependency order.
     */
    static Map<String, Schema> parseAll(Path dir) {
        List<Path> pending;
        try (Stream<Path> files = Files.walk(dir)) {
            pending =
                    new ArrayList<>(
                            files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (pending.isEmpty()) {
            throw new IllegalStateException("no .avsc files under " + dir.toAbsolutePath());
        }
        Map<String, Schema> byFile = new LinkedHashMap<>();
        Map<String, Schema> known = new LinkedHashMap<>();
        // a file may refer to types of files not parsed yet: parse what can be parsed, repeat until
        // done
        while (!pending.isEmpty()) {
            List<Path> failed = new ArrayList<>();
            Map<Path, String> errors = new LinkedHashMap<>();
            for (Path file : pending) {
                try {
                    Schema.Parser parser = new Schema.Parser().addTypes(known.values());
                    Schema schema = parser.parse(file.toFile());
                    byFile.put(dir.relativize(file).toString(), schema);
                    known.putAll(parser.getTypes());
                } catch (
                        AvroRuntimeException
                                e) { // SchemaParseException, or AvroTypeException for a name not
                    // defined yet
                    failed.add(file);
                    errors.put(file, e.getMessage());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (failed.size() == pending.size()) {
                throw new IllegalStateException(
                        "cannot parse schemas under " + dir + ": " + errors);
            }
            pending = failed;
        }
        return byFile;
    }

    /** Adds {@code schema} and every named type inside it to {@code into}. */
    static void collectNamed(Schema schema, Map<String, Schema> into) {
        switch (schema.getType()) {
            case RECORD -> {
                if (into.putIfAbsent(schema.getFullName(), schema) == null) {
                    schema.getFields().forEach(f -> collectNamed(f.schema(), into));
                }
            }
            case ENUM, FIXED -> into.putIfAbsent(schema.getFullName(), schema);
            case ARRAY -> collectNamed(schema.getElementType(), into);
            case MAP -> collectNamed(schema.getValueType(), into);
            case UNION -> schema.getTypes().forEach(t -> collectNamed(t, into));
            default -> {}
        }
    }
}
