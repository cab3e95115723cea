package io.ctstream.streams.conntrack;

import io.ctstream.avro.Connection;
import io.ctstream.serde.SpecificCoders;
import io.ctstream.streams.conntrack.state.TrackingState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Compact, versioned binary form of a {@link TrackedConnection} for a key-value store (no Kafka
 * types: wrap it in a Serde in the topology).
 *
 * <p>Layout: magic byte {@code 0xC7}, format version byte (currently 2), the indexed deadline (an
 * Avro long: where the topology's timer index holds the connection), then the Avro binary encoding
 * of the {@link Connection} followed by the Avro binary encoding of the {@link TrackingState}, both
 * with the schemas compiled into this build. Version 1 had no indexed deadline: its connections
 * were indexed exactly at their timeout, which is what it reads as. Version 3 added the
 * captured-packet counters to the {@link Connection}: versions 1 and 2 are read with the connection
 * schema they were written with ({@code connection-format-2.avsc}), the counters then start at 0. A
 * later version that changes either schema bumps the version byte and keeps a reader for the older
 * layout (resolving with the old writer schema).
 */
public final class TrackedConnectionCodec {

    static final byte MAGIC = (byte) 0xC7;
    static final byte VERSION = 3;
    static final byte VERSION_2 = 2;
    static final byte VERSION_1 = 1;

    // Custom-coder models: the generated classes' own encode/decode code, same bytes
    // (SpecificCoders).
    private static final SpecificDatumWriter<Connection> CONNECTION_WRITER =
            new SpecificDatumWriter<>(
                    Connection.getClassSchema(),
                    SpecificCoders.forSchema(Connection.getClassSchema()));
    private static final SpecificDatumWriter<TrackingState> STATE_WRITER =
            new SpecificDatumWriter<>(
                    TrackingState.getClassSchema(),
                    SpecificCoders.forSchema(TrackingState.getClassSchema()));
    private static final SpecificDatumReader<Connection> CONNECTION_READER =
            new SpecificDatumReader<>(
                    Connection.getClassSchema(),
                    Connection.getClassSchema(),
                    SpecificCoders.forSchema(Connection.getClassSchema()));
    private static final SpecificDatumReader<TrackingState> STATE_READER =
            new SpecificDatumReader<>(
                    TrackingState.getClassSchema(),
                    TrackingState.getClassSchema(),
                    SpecificCoders.forSchema(TrackingState.getClassSchema()));

    /** The connection as versions 1 and 2 wrote it, resolved to this build's schema. */
    private static final SpecificDatumReader<Connection> CONNECTION_FORMAT_2_READER =
            new SpecificDatumReader<>(formatTwoConnectionSchema(), Connection.getClassSchema());

    private static Schema formatTwoConnectionSchema() {
        try (InputStream in =
                TrackedConnectionCodec.class.getResourceAsStream("connection-format-2.avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TrackedConnectionCodec() {}

    public static byte[] encode(TrackedConnection t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC);
        out.write(VERSION);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            enc.writeLong(t.indexedDeadlineMicros());
            CONNECTION_WRITER.write(t.connection(), enc);
            STATE_WRITER.write(t.state(), enc);
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not a tracked connection of a known
     *     format version
     */
    public static TrackedConnection decode(byte[] bytes) {
        if (bytes == null || bytes.length < 2 || bytes[0] != MAGIC) {
            throw new IllegalArgumentException(
                    "not an encoded tracked connection (bad magic or too short)");
        }
        if (bytes[1] != VERSION && bytes[1] != VERSION_2 && bytes[1] != VERSION_1) {
            throw new IllegalArgumentException(
                    "unknown tracked connection format version " + bytes[1]);
        }
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, 2, bytes.length - 2, null);
        try {
            long indexed = bytes[1] == VERSION_1 ? Long.MIN_VALUE : dec.readLong();
            Connection c =
                    (bytes[1] == VERSION ? CONNECTION_READER : CONNECTION_FORMAT_2_READER)
                            .read(null, dec);
            TrackingState s = STATE_READER.read(null, dec);
            if (!dec.isEnd()) {
                throw new IllegalArgumentException("trailing bytes after tracked connection");
            }
            return new TrackedConnection(
                    c, s, bytes[1] == VERSION_1 ? c.getTimeoutAtMicros() : indexed);
        } catch (IOException
                | AvroRuntimeException
                | IndexOutOfBoundsException
                | NegativeArraySizeException e) {
            throw new IllegalArgumentException("corrupt tracked connection: " + e.getMessage(), e);
        }
    }
}
