package io.ctstream.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A decoder over one in-memory record that refuses lengths and item counts the remaining bytes
 * cannot hold, before anything is allocated. Avro's own binary decoder allocates a string, bytes or
 * array of whatever size a (possibly corrupt) length prefix claims, so a few garbage bytes can ask
 * for gigabytes; here they are a {@link MalformedAvroException}. Everything else is delegated to
 * Avro's decoder.
 */
final class BoundedDecoder extends Decoder {
    /**
     * Items that take no bytes (nulls, empty records) may legitimately outnumber the bytes left; up
     * to this many.
     */
    private static final long ZERO_SIZE_ITEM_ALLOWANCE = 1 << 16;

    private BinaryDecoder in;

    /** Decodes {@code in} (a decoder over a byte array) from now on. */
    BoundedDecoder reset(BinaryDecoder in) {
        this.in = in;
        return this;
    }

    /** Bytes not read yet. */
    int remaining() throws IOException {
        return in.inputStream().available();
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private int checkedLength(long length, String what) throws IOException {
        if (length < 0) {
            throw new MalformedAvroException(what + " length " + length + " is negative");
        }
        int left = remaining();
        if (length > left) {
            throw new EOFException(
                    what + " length " + length + " exceeds the " + left + " bytes left");
        }
        return (int) length;
    }

    private long checkedCount(long count, String what) throws IOException {
        if (count > remaining() + ZERO_SIZE_ITEM_ALLOWANCE) {
            throw new MalformedAvroException(
                    what
                            + " claims "
                            + count
                            + " items but only "
                            + remaining()
                            + " bytes are left");
        }
        return count;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checkedLength(in.readLong(), "string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        if (length > 0) {
            in.readFixed(result.getBytes(), 0, length);
        }
        return result;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(checkedLength(in.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = checkedLength(in.readLong(), "bytes");
        ByteBuffer result;
        if (old != null && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        in.readFixed(result.array(), result.position(), length);
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(checkedLength(in.readLong(), "bytes"));
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkedCount(in.readArrayStart(), "array block");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkedCount(in.arrayNext(), "array block");
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return checkedCount(in.readMapStart(), "map block");
    }

    @Override
    public long mapNext() throws IOException {
        return checkedCount(in.mapNext(), "map block");
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }

    /** Data that cannot be a valid encoding (as opposed to data that ends too early). */
    static final class MalformedAvroException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedAvroException(String message) {
            super(message);
        }
    }
}
