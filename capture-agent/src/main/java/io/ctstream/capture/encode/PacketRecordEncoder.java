package io.ctstream.capture.encode;

import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.serde.ConfluentWireFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryData;

/**
 * Writes the packets topic's value — the registry wire format ({@code 0x00}, 4-byte schema id) and
 * the Avro binary of a {@link PacketRecord} — straight from a {@link DecodedPacket} and the frame's
 * bytes. It is the replay hot path: building the record (its byte buffers and address and payload
 * copies) and running Avro's datum writer over it cost more per packet than decoding the packet
 * and more than the producer's own work, and on a sensor that decides the packet rate. The bytes are
 * those of {@code SpecificAvroSerializer} over {@code PacketRecords.toRecord} with the same schema id
 * (PacketRecordEncoderTest compares them over every lab capture, synthetic traffic and random frames);
 * Avro's own {@link BinaryData} writes the varints.
 *
 * <p>Written for one schema: the constructor refuses any other {@link PacketRecord} schema (by its
 * parsing-canonical-form fingerprint, which changes exactly when the binary encoding does), so a schema
 * change cannot silently produce bytes its readers would misparse. One instance per capture thread
 * (a reused scratch buffer); the returned arrays are the caller's.
 */
public final class PacketRecordEncoder {
    /** Parsing fingerprint of the PacketRecord schema this encoder lays out, field by field. */
    static final long SCHEMA_FINGERPRINT = 0x9f896b743cdba9bbL;

    private final byte[] header = new byte[ConfluentWireFormat.HEADER_SIZE];
    /** The sensor id, already Avro-encoded (length + UTF-8): the same for every record. */
    private final byte[] sensorField;
    /** The last interface name and its encoded union branch: names repeat from packet to packet. */
    private String lastInterface;
    private byte[] lastInterfaceField = new byte[] {0};
    private byte[] scratch = new byte[512];

    public PacketRecordEncoder(int schemaId, String sensorId) {
        requireSchema(PacketRecord.getClassSchema());
        header[0] = ConfluentWireFormat.MAGIC_BYTE;
        header[1] = (byte) (schemaId >>> 24);
        header[2] = (byte) (schemaId >>> 16);
        header[3] = (byte) (schemaId >>> 8);
        header[4] = (byte) schemaId;
        sensorField = stringField(sensorId, false);
    }

    static void requireSchema(Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        if (fingerprint != SCHEMA_FINGERPRINT) {
            throw new IllegalStateException("PacketRecordEncoder lays out the PacketRecord schema with fingerprint "
                    + Long.toHexString(SCHEMA_FINGERPRINT) + ", but the generated class has "
                    + Long.toHexString(fingerprint) + ": update the encoder to the new fields (and its fingerprint), "
                    + "PacketRecordEncoderTest compares it with Avro's own encoding");
        }
    }

    /**
     * @param keepPayload payload bytes to keep (the edge payload policy decides); clamped to what was captured
     */
    public byte[] encode(DecodedPacket p, long timestampMicros, String interfaceName, int keepPayload) {
        int keep = Math.max(0, Math.min(keepPayload, p.payloadCaptured()));
        byte[] iface = interfaceField(interfaceName);
        byte[] out = ensureScratch(iface.length + keep);
        byte[] b = p.buffer();
        int alen = p.addressLength();
        int n = put(out, 0, header);
        n = put(out, n, sensorField);
        n += BinaryData.encodeLong(timestampMicros, out, n);
        n = put(out, n, iface);
        n += BinaryData.encodeInt(p.ipVersion(), out, n);
        n = bytesField(out, n, b, p.srcOffset(), alen);
        n = bytesField(out, n, b, p.dstOffset(), alen);
        n += BinaryData.encodeInt(p.protocol(), out, n);
        n += BinaryData.encodeInt(p.ipTotalLength(), out, n);
        n += BinaryData.encodeInt(p.ipId(), out, n);
        n += BinaryData.encodeInt(p.ttl(), out, n);
        n += BinaryData.encodeBoolean(p.fragment(), out, n);
        n += BinaryData.encodeInt(p.srcPort(), out, n);
        n += BinaryData.encodeInt(p.dstPort(), out, n);
        n += BinaryData.encodeInt(p.tcpFlags(), out, n);
        n += BinaryData.encodeLong(p.tcpSeq(), out, n);
        n += BinaryData.encodeLong(p.tcpAck(), out, n);
        n += BinaryData.encodeInt(p.tcpWindow(), out, n);
        n += BinaryData.encodeInt(p.tcpWindowScale(), out, n);
        n += BinaryData.encodeBoolean(p.tcpSackPermitted(), out, n);
        n += BinaryData.encodeLong(p.tcpMaxSack(), out, n);
        if (p.icmpType() != DecodedPacket.NO_ICMP) {
            out[n++] = 2; // union branch 1 (int), zigzag
            n += BinaryData.encodeInt(p.icmpType(), out, n);
            out[n++] = 2;
            n += BinaryData.encodeInt(p.icmpCode(), out, n);
        } else {
            out[n++] = 0; // union branch 0 (null)
            out[n++] = 0;
        }
        if (p.hasQuoted()) {
            int qlen = p.quotedIpVersion() == 6 ? 16 : 4;
            out[n++] = 2;
            n += BinaryData.encodeInt(p.quotedIpVersion(), out, n);
            n += BinaryData.encodeInt(p.quotedProtocol(), out, n);
            n = bytesField(out, n, b, p.quotedSrcOffset(), qlen);
            n += BinaryData.encodeInt(p.quotedSrcPort(), out, n);
            n = bytesField(out, n, b, p.quotedDstOffset(), qlen);
            n += BinaryData.encodeInt(p.quotedDstPort(), out, n);
        } else {
            out[n++] = 0;
        }
        n += BinaryData.encodeInt(p.payloadLength(), out, n);
        n = bytesField(out, n, b, p.payloadOffset(), keep);
        out[n++] = 0; // following: an empty array (a record of one packet)
        return Arrays.copyOf(out, n);
    }

    /**
     * Room for the largest record with {@code variable} bytes of interface field and payload: 22 int
     * varints (5 bytes at most), 4 longs (10), 2 booleans, 3 union branches, the empty batch, 4 addresses of 16 bytes.
     */
    private byte[] ensureScratch(int variable) {
        int need = header.length + sensorField.length + 22 * 5 + 4 * 10 + 6 + 4 * 16 + variable;
        if (scratch.length < need) {
            scratch = new byte[Math.max(need, scratch.length * 2)];
        }
        return scratch;
    }

    private byte[] interfaceField(String name) {
        if (name != lastInterface && (name == null || !name.equals(lastInterface))) {
            lastInterfaceField = name == null ? new byte[] {0} : stringField(name, true);
            lastInterface = name;
        }
        return lastInterfaceField;
    }

    /** An Avro string (length, UTF-8), as the non-null branch of a union when {@code unionBranch}. */
    private static byte[] stringField(String s, boolean unionBranch) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[1 + 5 + utf8.length];
        int n = 0;
        if (unionBranch) {
            out[n++] = 2;
        }
        n += BinaryData.encodeInt(utf8.length, out, n);
        System.arraycopy(utf8, 0, out, n, utf8.length);
        return Arrays.copyOf(out, n + utf8.length);
    }

    private static int bytesField(byte[] out, int n, byte[] src, int off, int len) {
        n += BinaryData.encodeInt(len, out, n);
        System.arraycopy(src, off, out, n, len);
        return n + len;
    }

    private static int put(byte[] out, int n, byte[] field) {
        System.arraycopy(field, 0, out, n, field.length);
        return n + field.length;
    }
}
