package io.ctstream.serde;

import io.ctstream.registry.SchemaRegistryClient;
import io.ctstream.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes Avro specific records in the Confluent wire format (magic byte 0, 4-byte big-endian
 * schema id, Avro binary), registering (or, with {@code auto.register.schemas=false}, looking up)
 * the record's schema under the topic's subject ({@code <topic>-key} / {@code <topic>-value}).
 *
 * <p>Thread-safe, as a producer's serializer must be. In the steady state a record costs one
 * registry-free map lookup, a reused per-thread encoder and buffer, and the copy of the result.
 *
 * <p>Must be {@link #configure configured} before use (Kafka does it for serializers it
 * instantiates; use {@link AvroSerdes} for ready-made instances).
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    /**
     * A per-thread buffer that grew beyond this is dropped after use, so one huge record does not
     * pin memory.
     */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;

    private static final ThreadLocal<EncodeBuffer> BUFFERS =
            ThreadLocal.withInitial(EncodeBuffer::new);

    private final SchemaRegistryClient sharedClient;
    private volatile SchemaRegistryClient client;
    private volatile boolean isKey;
    private volatile boolean autoRegister = true;

    /** The writer last used for each topic; replaced when a record of another schema arrives. */
    private final Map<String, TopicWriter> writersByTopic = new ConcurrentHashMap<>();

    private final Map<Schema, DatumWriter<Object>> datumWriters = new ConcurrentHashMap<>();

    /**
     * For instantiation by Kafka: {@link #configure} creates the registry client from {@code
     * schema.registry.url}.
     */
    public SpecificAvroSerializer() {
        this(null);
    }

    /**
     * Uses {@code client} (shared, not closed by this serializer); {@link #configure} is still
     * required.
     */
    public SpecificAvroSerializer(SchemaRegistryClient client) {
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
        this.autoRegister = config.autoRegisterSchemas();
        this.isKey = isKey;
        writersByTopic.clear();
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Schema schema = data.getSchema();
        TopicWriter writer = writersByTopic.get(topic);
        if (writer == null || writer.schema != schema) {
            writer =
                    new TopicWriter(
                            schema,
                            schemaId(topic, schema),
                            datumWriters.computeIfAbsent(
                                    schema, SpecificAvroSerializer::newDatumWriter));
            writersByTopic.put(topic, writer);
        }
        EncodeBuffer buffer = BUFFERS.get();
        try {
            buffer.out.reset();
            ConfluentWireFormat.writeHeader(buffer.out, writer.id);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer.out, buffer.encoder);
            buffer.encoder = encoder;
            writer.datumWriter.write(data, encoder);
            encoder.flush();
            return buffer.out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // for example a null in a non-nullable field, which Avro reports as a
            // NullPointerException
            throw new SerializationException(
                    ConfluentWireFormat.describe(topic, isKey)
                            + ": cannot encode "
                            + schema.getFullName()
                            + " with schema id "
                            + writer.id
                            + ": "
                            + e,
                    e);
        } finally {
            if (buffer.out.capacity() > MAX_RETAINED_BUFFER) {
                BUFFERS.remove();
            }
        }
    }

    /**
     * The registry id of {@code schema} under {@code topic}'s subject, registered (or looked up,
     * with {@code auto.register.schemas=false}) as {@link #serialize} does: for a writer that lays
     * out the wire format itself (the capture agent's hot path) and needs the id serialize would
     * put in the header.
     *
     * @throws SerializationException when the registry refuses or cannot be reached
     */
    public int schemaId(String topic, Schema schema) {
        SchemaRegistryClient registry = client;
        if (registry == null) {
            throw new IllegalStateException(
                    "SpecificAvroSerializer used before configure(): call configure(config, isKey) "
                            + "or build it with AvroSerdes");
        }
        String subject = TopicNameStrategy.subject(topic, isKey);
        try {
            return autoRegister
                    ? registry.register(subject, schema)
                    : registry.lookupId(subject, schema);
        } catch (SchemaRegistryException e) {
            String action =
                    autoRegister
                            ? "cannot register"
                            : "cannot look up (auto.register.schemas=false)";
            String hint =
                    !autoRegister && e.isNotFound()
                            ? " (the schema is not registered under the subject)"
                            : "";
            throw new SerializationException(
                    ConfluentWireFormat.describe(topic, isKey)
                            + ": "
                            + action
                            + " schema "
                            + schema.getFullName()
                            + " under subject '"
                            + subject
                            + "'"
                            + hint
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * A writer with (a custom-coder copy of) the generated class's own data model: see {@link
     * SpecificCoders}.
     */
    private static DatumWriter<Object> newDatumWriter(Schema schema) {
        return new SpecificDatumWriter<>(schema, SpecificCoders.forSchema(schema));
    }

    @Override
    public void close() {
        // the registry client holds no resources that need closing; a shared one belongs to its
        // owner anyway
    }

    private record TopicWriter(Schema schema, int id, DatumWriter<Object> datumWriter) {}

    /** A thread's reusable output buffer and Avro encoder. */
    private static final class EncodeBuffer {
        final ExposedByteArrayOutputStream out = new ExposedByteArrayOutputStream();
        BinaryEncoder encoder;
    }

    private static final class ExposedByteArrayOutputStream extends ByteArrayOutputStream {
        ExposedByteArrayOutputStream() {
            super(256);
        }

        int capacity() {
            return buf.length;
        }
    }
}
