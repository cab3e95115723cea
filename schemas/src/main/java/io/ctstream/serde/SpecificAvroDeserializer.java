package io.ctstream.serde;

import io.ctstream.registry.SchemaRegistryClient;
import io.ctstream.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deserializes Confluent wire-format Avro data into specific records: reads the schema id after the magic
 * byte, fetches that writer schema from the registry (once per id) and resolves it against the reader schema of
 * the target class, so data written with an older (or newer, compatible) schema reads into the current class.
 *
 * <p>The target class is given to the constructor, or configured with {@code specific.avro.key.type} /
 * {@code specific.avro.value.type}, or else is the generated class named by the writer schema.
 *
 * <p>Every failure is a {@link SerializationException} naming the topic, what went wrong (truncated, unknown
 * magic byte, unknown schema id, unreadable writer schema, malformed Avro data) and the schema id when known.
 * Thread-safe.
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private static final ThreadLocal<BinaryDecoder[]> DECODERS = ThreadLocal.withInitial(() -> new BinaryDecoder[1]);

    private final Class<T> givenType;
    private final SchemaRegistryClient sharedClient;
    private volatile SchemaRegistryClient client;
    private volatile boolean isKey;
    /** Reader schema of the target class; null when it comes from each writer schema's name. */
    private volatile Schema readerSchema;
    /** Per writer schema id: the resolving reader (writer schema → reader schema), or why there is none. */
    private final Map<Integer, Resolution<T>> resolutions = new ConcurrentHashMap<>();

    /** For instantiation by Kafka: {@link #configure} creates the registry client and reads the target class. */
    public SpecificAvroDeserializer() {
        this(null, null);
    }

    /** Reads into {@code type}; {@link #configure} creates the registry client. */
    public SpecificAvroDeserializer(Class<T> type) {
        this(type, null);
    }

    /** Reads into {@code type} (null: from config or the writer schema) with a shared client; {@link #configure} is still required. */
    public SpecificAvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        this.givenType = type;
        this.sharedClient = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        this.client = sharedClient != null ? sharedClient : new SchemaRegistryClient(config.registryClientConfig());
        this.isKey = isKey;
        Class<?> type = givenType != null ? givenType : config.specificType(isKey);
        this.readerSchema = type == null ? null : schemaOf(type);
        resolutions.clear();
    }

    private static Schema schemaOf(Class<?> type) {
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new org.apache.kafka.common.config.ConfigException(type.getName() + " is not a generated Avro specific record class");
        }
        return SpecificData.get().getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int schemaId = ConfluentWireFormat.readSchemaId(topic, isKey, data);
        Resolution<T> resolution = resolutions.get(schemaId);
        if (resolution == null) {
            resolution = resolve(topic, schemaId);
            resolutions.putIfAbsent(schemaId, resolution);
        }
        if (resolution.error != null) {
            throw new SerializationException(ConfluentWireFormat.describe(topic, isKey) + ", schema id " + schemaId + ": "
                    + resolution.error);
        }
        BinaryDecoder[] reuse = DECODERS.get();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_SIZE,
                data.length - ConfluentWireFormat.HEADER_SIZE, reuse[0]);
        reuse[0] = decoder;
        try {
            T record = resolution.reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException(where(topic, schemaId) + ": malformed Avro data: "
                        + decoder.inputStream().available() + " bytes left over after the record");
            }
            return record;
        } catch (EOFException e) {
            throw new SerializationException(where(topic, schemaId) + ": truncated Avro data: the "
                    + (data.length - ConfluentWireFormat.HEADER_SIZE) + " bytes after the header end before the record does", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            // garbage after a valid header: bad union or enum index, negative length, invalid UTF-8, ...
            throw new SerializationException(where(topic, schemaId) + ": malformed Avro data (" + e + ")", e);
        }
    }

    private String where(String topic, int schemaId) {
        return ConfluentWireFormat.describe(topic, isKey) + ", schema id " + schemaId
                + (readerSchema != null ? ", read as " + readerSchema.getFullName() : "");
    }

    /** Fetches the writer schema and builds the resolving reader, or explains why it cannot. */
    private Resolution<T> resolve(String topic, int schemaId) {
        SchemaRegistryClient registry = client;
        if (registry == null) {
            throw new IllegalStateException("SpecificAvroDeserializer used before configure(): call configure(config, isKey) "
                    + "or build it with AvroSerdes");
        }
        Schema writer;
        try {
            writer = registry.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            // not cached: the registry may be back (or the schema registered) on the next record
            String what = e.isNotFound() ? "unknown schema id (the registry has no schema " + schemaId + ")"
                    : "cannot fetch the writer schema from the registry";
            throw new SerializationException(ConfluentWireFormat.describe(topic, isKey) + ", schema id " + schemaId + ": "
                    + what + ": " + e.getMessage(), e);
        }
        Schema reader = readerSchema;
        if (reader == null) {
            Class<?> named = SpecificData.get().getClass(writer);
            if (named == null || !SpecificRecord.class.isAssignableFrom(named)) {
                return Resolution.failed("no generated class " + writer.getFullName() + " to read the writer schema into; "
                        + "give the deserializer a target class or set " + AvroSerdeConfig.SPECIFIC_VALUE_TYPE + "/"
                        + AvroSerdeConfig.SPECIFIC_KEY_TYPE);
            }
            reader = SpecificData.get().getSchema(named);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return Resolution.failed("data written with " + writer.getFullName() + " cannot be read as " + reader.getFullName()
                    + ": " + compatibility.getResult().getIncompatibilities());
        }
        return Resolution.of(new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader)));
    }

    @Override
    public void close() {
        // nothing to release; a shared client belongs to its owner
    }

    private record Resolution<T>(DatumReader<T> reader, String error) {
        static <T> Resolution<T> of(DatumReader<T> reader) {
            return new Resolution<>(reader, null);
        }

        static <T> Resolution<T> failed(String error) {
            return new Resolution<>(null, error);
        }
    }
}
