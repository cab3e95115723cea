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
 * copies) and running Avro's datum writer over it cost more per packet than decoding the packet and
 * more than the producer's own work, and on a sensor that decides the packet rate. The bytes are
 * those of {@code SpecificAvroSerializer} over {@code PacketRecords.toRecord} with the same schema
 * id (PacketRecordEncoderTest compares them over every lab capture, synthetic traffic and random
 * frames); Avro's own {@link BinaryData} writes the varints.
 *
 * <p>Written for one schema: the constructor refuses any other {@link PacketRecord} schema (by its
 * parsing-canonical-form fingerprint, which changes exactly when the binary encoding does), so a
 * schema change cannot silently produce bytes its readers would misparse. One instance per capture
 * thread (a reused scratch buffer); the returned arrays are the caller's.
 *
 * <p>A per-flow batch ({@code following}) is written as its packets arrive, each straight into the
 * {@link PacketBatch}'s growing buffer ({@link #start}, {@link #append}); {@link #finish} inserts
 * the array's item count and ends the array. The bytes equal Avro's for the same record with {@code
 * following} filled (PacketRecordEncoderTest).
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
            throw new IllegalStateException(
                    "PacketRecordEncoder lays out the PacketRecord schema with fingerprint "
                            + Long.toHexString(SCHEMA_FINGERPRINT)
                            + ", but the generated class has "
                            + Long.toHexString(fingerprint)
                            + ": update the encoder to the new fields (and its fingerprint), "
                            + "PacketRecordEncoderTest compares it with Avro's own encoding");
        }
    }

    /**
     * One record of one packet (an empty {@code following}): what {@code --batch-packets 1}
     * publishes.
     *
     * @param keepPayload payload bytes to keep (the edge payload policy decides); clamped to what
     *     was captured
     */
    public byte[] encode(
            DecodedPacket p, long timestampMicros, String interfaceName, int keepPayload) {
        int keep = clampKeep(p, keepPayload);
        byte[] iface = interfaceField(interfaceName);
        byte[] out = ensureScratch(iface.length + keep);
        int n = put(out, 0, header);
        n = writePacket(out, n, p, timestampMicros, iface, keep);
        out[n++] = 0; // following: an empty array (a record of one packet)
        return Arrays.copyOf(out, n);
    }

    /**
     * Opens {@code batch} with its first packet: the registry header and the packet's fields go
     * into the batch's own buffer (the frame buffer is reused by the reader, so nothing may point
     * into it).
     */
    public void start(
            PacketBatch batch,
            byte[] key,
            DecodedPacket p,
            long timestampMicros,
            String interfaceName,
            int keepPayload) {
        int keep = clampKeep(p, keepPayload);
        byte[] iface = interfaceField(interfaceName);
        byte[] out = batch.reserve(0, header.length + packetBound(iface.length + keep));
        int n = put(out, 0, header);
        n = writePacket(out, n, p, timestampMicros, iface, keep);
        batch.opened(key, timestampMicros, n);
    }

    /**
     * Adds a later packet of the batch's flow as one item of {@code following}: its fields and its
     * own empty {@code following}. The batch changes only once the item is written whole, so a
     * packet that cannot be encoded leaves the batch as it was.
     */
    public void append(
            PacketBatch batch,
            DecodedPacket p,
            long timestampMicros,
            String interfaceName,
            int keepPayload) {
        int keep = clampKeep(p, keepPayload);
        byte[] iface = interfaceField(interfaceName);
        int n = batch.length();
        byte[] out = batch.reserve(n, packetBound(iface.length + keep) + 1);
        n = writePacket(out, n, p, timestampMicros, iface, keep);
        out[n++] = 0; // the item's own following: empty
        batch.appended(n);
    }

    /**
     * The record value of a batch: header and first packet, then {@code following} as Avro writes
     * an array (BinaryEncoder: one block — the item count as a zigzag varint, the items — then the
     * 0 that ends the array; an empty array is the 0 alone), in one exact-size copy.
     */
    public byte[] finish(PacketBatch batch) {
        byte[] buf = batch.buffer();
        int first = batch.firstEnd();
        int items = batch.packets() - 1;
        if (items == 0) {
            byte[] out = Arrays.copyOf(buf, first + 1);
            out[first] = 0;
            return out;
        }
        byte[] count = new byte[10];
        int countLen = BinaryData.encodeLong(items, count, 0);
        int itemBytes = batch.length() - first;
        byte[] out = new byte[first + countLen + itemBytes + 1];
        System.arraycopy(buf, 0, out, 0, first);
        System.arraycopy(count, 0, out, first, countLen);
        System.arraycopy(buf, first, out, first + countLen, itemBytes);
        out[out.length - 1] = 0;
        return out;
    }

    /**
     * At most how many bytes one more packet adds to a batch (fields, its own empty following),
     * before knowing the packet: for the batcher's byte cap. The payload is not counted: packets
     * with kept payload are never batched behind others.
     */
    public int itemBound(String interfaceName) {
        return packetBound(interfaceField(interfaceName).length) + 1;
    }

    private static int clampKeep(DecodedPacket p, int keepPayload) {
        return Math.max(0, Math.min(keepPayload, p.payloadCaptured()));
    }

    /**
     * Every field of one packet, in schema order, from sensorId to payload ({@code following}
     * excluded).
     */
    private int writePacket(
            byte[] out, int n, DecodedPacket p, long timestampMicros, byte[] iface, int keep) {
        byte[] b = p.buffer();
        int alen = p.addressLength();
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
        return bytesField(out, n, b, p.payloadOffset(), keep);
    }

    /**
     * Room for one packet's fields with {@code variable} bytes of interface field and payload: 22
     * int varints (5 bytes at most), 4 longs (10), 2 booleans, 3 union branches, 4 addresses of 16
     * bytes, the sensor id.
     */
    private int packetBound(int variable) {
        return sensorField.length + 22 * 5 + 4 * 10 + 5 + 4 * 16 + variable;
    }

    /** Room for the largest one-packet record: header, fields, the empty batch. */
    private byte[] ensureScratch(int variable) {
        int need = header.length + packetBound(variable) + 1;
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

    /**
     * An Avro string (length, UTF-8), as the non-null branch of a union when {@code unionBranch}.
     */
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
