package io.ctstream.streams.helper.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Versioned byte[] forms of a {@link TcpStreamReassembler} and a {@link LineFramer} on their own: a
 * version byte, then the state. Bounds come from configuration at decode time. A foreign version or
 * corrupt bytes raise {@link IllegalArgumentException}.
 */
public final class StreamStateCodec {

    public static final byte VERSION = 1;

    private StreamStateCodec() {}

    public static byte[] encode(TcpStreamReassembler r) {
        return write(out -> r.writeTo(out));
    }

    public static TcpStreamReassembler decodeReassembler(
            byte[] data, int maxHeldBytes, int maxHeldSegments) {
        return read(data, in -> TcpStreamReassembler.readFrom(in, maxHeldBytes, maxHeldSegments));
    }

    public static byte[] encode(LineFramer f) {
        return write(out -> f.writeTo(out));
    }

    public static LineFramer decodeFramer(byte[] data, int maxLineBytes) {
        return read(data, in -> LineFramer.readFrom(in, maxLineBytes));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] data, Reader<T> r) {
        if (data == null || data.length == 0 || data[0] != VERSION) {
            throw new IllegalArgumentException(
                    "unsupported stream state version "
                            + (data == null || data.length == 0 ? "(empty)" : data[0])
                            + " (this build reads "
                            + VERSION
                            + ")");
        }
        try (DataInputStream in =
                new DataInputStream(new ByteArrayInputStream(data, 1, data.length - 1))) {
            T t = r.read(in);
            if (in.available() > 0) {
                throw new IOException(in.available() + " trailing bytes");
            }
            return t;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt stream state: " + e.getMessage(), e);
        }
    }
}
