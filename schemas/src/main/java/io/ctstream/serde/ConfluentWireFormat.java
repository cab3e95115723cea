package io.ctstream.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent Schema Registry wire format: one magic byte 0, the schema id as 4 bytes big-endian,
 * then the Avro binary encoding of the record.
 */
public final class ConfluentWireFormat {
    public static final byte MAGIC_BYTE = 0x0;

    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {}

    /** Writes the magic byte and {@code schemaId} to {@code out}. */
    public static void writeHeader(OutputStream out, int schemaId) {
        try {
            out.write(MAGIC_BYTE);
            out.write(schemaId >>> 24);
            out.write(schemaId >>> 16);
            out.write(schemaId >>> 8);
            out.write(schemaId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the schema id from the header of {@code data}.
     *
     * @param topic for the error message
     * @param isKey for the error message
     * @throws SerializationException when {@code data} is shorter than the header or its first byte
     *     is not the magic byte
     */
    public static int readSchemaId(String topic, boolean isKey, byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new SerializationException(
                    describe(topic, isKey)
                            + ": truncated: "
                            + data.length
                            + " byte"
                            + (data.length == 1 ? "" : "s")
                            + ", fewer than the "
                            + HEADER_SIZE
                            + " of the Confluent wire format header (magic byte 0, 4-byte schema id)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(
                    describe(topic, isKey)
                            + ": unknown magic byte "
                            + String.format("0x%02x", data[0] & 0xff)
                            + " (the Confluent wire format starts with 0x00): not data written by a schema registry serializer");
        }
        return ((data[1] & 0xff) << 24)
                | ((data[2] & 0xff) << 16)
                | ((data[3] & 0xff) << 8)
                | (data[4] & 0xff);
    }

    /** "value of topic 'x'" / "key of topic 'x'", the start of every serde error message. */
    static String describe(String topic, boolean isKey) {
        return (isKey ? "key" : "value") + " of topic '" + topic + "'";
    }
}
