package io.ctstream.serde;

import io.ctstream.registry.SchemaRegistryClient;
import io.ctstream.registry.SchemaRegistryException;
import io.ctstream.schemas.AvroIncompatibilities;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes Confluent wire-format Avro data into specific records: reads the schema id after the
 * magic byte, fetches that writer schema from the registry (once per id) and resolves it against
 * the reader schema of the target class, so data written with an older (or newer, compatible)
 * schema reads into the current class.
 *
 * <p>The target class is given to the constructor, or configured with {@code
 * specific.avro.key.type} / {@code specific.avro.value.type}, or else is the generated class named
 * by the writer schema.
 *
 * <p>Every failure is a {@link SerializationException} naming the topic, what went wrong
 * (truncated, unknown magic byte, unknown schema id, unreadable writer schema, malformed Avro data)
 * and the schema id when known. Thread-safe.
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private static final ThreadLocal<DecodeState> DECODERS =
            ThreadLocal.withInitial(DecodeState::new);

    private final Class<T> givenType;
    private final SchemaRegistryClient sharedClient;
    private volatile SchemaRegistryClient client;
    private volatile boolean isKey;

    /** Reader schema of the target class; null when it comes from each writer schema's name. */
    private volatile Schema readerSchema;

    /**
     * Per writer schema id: the resolving reader (writer schema → reader schema), or why there is
     * none.
     */
    private final Map<Integer, Resolution<T>> resolutions = new ConcurrentHashMap<>();

    /**
     * The resolution used last: a topic's records nearly always carry one id, and this avoids
     * boxing it.
     */
    private volatile Resolution<T> last;

    /**
     * For instantiation by Kafka: {@link #configure} creates the registry client and reads the
     * target class.
     */
    public SpecificAvroDeserializer() {
        this(null, null);
    }

    /** Reads into {@code type}; {@link #configure} creates the registry client. */
    public SpecificAvroDeserializer(Class<T> type) {
        this(type, null);
    }

    /**
     * Reads into {@code type} (null: from config or the writer schema) with a shared client; {@link
     * #configure} is still required.
     */
    public SpecificAvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        this.givenType = type;
        this.sharedClient = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configure(configs, isKey, sharedClient);
    }

    /**
     * As {@link #configure(Map, boolean)}, with {@code client} (when not null) instead of one made
     * from the config.
     */
    void configure(Map<String, ?> configs, boolean isKey, SchemaRegistryClient client) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        this.client =
                client != null ? client : new SchemaRegistryClient(config.registryClientConfig());
        this.isKey = isKey;
        Class<?> type = givenType != null ? givenType : config.specificType(isKey);
        this.readerSchema = type == null ? null : schemaOf(type);
        resolutions.clear();
        last = null;
    }

    private static Schema schemaOf(Class<?> type) {
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new ConfigException(
                    type.getName() + " is not a generated Avro specific record class");
        }
        return SpecificData.get().getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int schemaId = ConfluentWireFormat.readSchemaId(topic, isKey, data);
        Resolution<T> resolution = last;
        if (resolution == null || resolution.schemaId != schemaId) {
            resolution = resolutions.get(schemaId);
            if (resolution == null) {
                resolution = resolve(topic, schemaId);
                Resolution<T> raced = resolutions.putIfAbsent(schemaId, resolution);
                resolution = raced != null ? raced : resolution;
            }
            last = resolution;
        }
        if (resolution.error != null) {
            throw new SerializationException(
                    ConfluentWireFormat.describe(topic, isKey)
                            + ", schema id "
                            + schemaId
                            + ": "
                            + resolution.error);
        }
        DecodeState state = DECODERS.get();
        state.binary =
                DecoderFactory.get()
                        .binaryDecoder(
                                data,
                                ConfluentWireFormat.HEADER_SIZE,
                                data.length - ConfluentWireFormat.HEADER_SIZE,
                                state.binary);
        BoundedDecoder decoder = state.bounded.reset(state.binary);
        T record;
        try {
            record = resolution.reader.read(null, decoder);
        } catch (EOFException e) {
            throw new SerializationException(
                    where(topic, schemaId)
                            + ": truncated Avro data: the "
                            + (data.length - ConfluentWireFormat.HEADER_SIZE)
                            + " bytes after the header end before the record does"
                            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"),
                    e);
        } catch (IOException | RuntimeException e) {
            // garbage after a valid header: bad union or enum index, negative length, endless
            // varint, ...
            throw new SerializationException(
                    where(topic, schemaId) + ": malformed Avro data (" + e + ")", e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new SerializationException(
                        where(topic, schemaId)
                                + ": malformed Avro data: "
                                + decoder.remaining()
                                + " bytes left over after the record");
            }
        } catch (IOException e) {
            throw new SerializationException(
                    where(topic, schemaId) + ": malformed Avro data (" + e + ")", e);
        }
        return record;
    }

    private String where(String topic, int schemaId) {
        return ConfluentWireFormat.describe(topic, isKey)
                + ", schema id "
                + schemaId
                + (readerSchema != null ? ", read as " + readerSchema.getFullName() : "");
    }

    /** Fetches the writer schema and builds the resolving reader, or explains why it cannot. */
    private Resolution<T> resolve(String topic, int schemaId) {
        SchemaRegistryClient registry = client;
        if (registry == null) {
            throw new IllegalStateException(
                    "SpecificAvroDeserializer used before configure(): call configure(config, isKey) "
                            + "or build it with AvroSerdes");
        }
        Schema writer;
        try {
            writer = registry.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            // not cached: the registry may be back (or the schema registered) on the next record
            String what =
                    e.isNotFound()
                            ? "unknown schema id (the registry has no schema " + schemaId + ")"
                            : "cannot fetch the writer schema from the registry";
            throw new SerializationException(
                    ConfluentWireFormat.describe(topic, isKey)
                            + ", schema id "
                            + schemaId
                            + ": "
                            + what
                            + ": "
                            + e.getMessage(),
                    e);
        }
        Schema reader = readerSchema;
        if (reader == null) {
            Class<?> named = SpecificData.get().getClass(writer);
            if (named == null || !SpecificRecord.class.isAssignableFrom(named)) {
                return Resolution.failed(
                        schemaId,
                        "no generated class "
                                + writer.getFullName()
                                + " to read the writer schema into; "
                                + "give the deserializer a target class or set "
                                + AvroSerdeConfig.SPECIFIC_VALUE_TYPE
                                + "/"
                                + AvroSerdeConfig.SPECIFIC_KEY_TYPE);
            }
            reader = SpecificData.get().getSchema(named);
        }
        List<String> incompatibilities = AvroIncompatibilities.describe(reader, writer);
        if (!incompatibilities.isEmpty()) {
            return Resolution.failed(
                    schemaId,
                    "data written with "
                            + writer.getFullName()
                            + " cannot be read as "
                            + reader.getFullName()
                            + ": "
                            + String.join("; ", incompatibilities));
        }
        return Resolution.of(
                schemaId,
                new SpecificDatumReader<>(writer, reader, SpecificCoders.forSchema(reader)));
    }

    @Override
    public void close() {
        // nothing to release; a shared client belongs to its owner
    }

    /** A thread's reusable decoders. */
    private static final class DecodeState {
        BinaryDecoder binary;
        final BoundedDecoder bounded = new BoundedDecoder();
    }

    private record Resolution<T>(int schemaId, DatumReader<T> reader, String error) {
        static <T> Resolution<T> of(int schemaId, DatumReader<T> reader) {
            return new Resolution<>(schemaId, reader, null);
        }

        static <T> Resolution<T> failed(int schemaId, String error) {
            return new Resolution<>(schemaId, null, error);
        }
    }
}
