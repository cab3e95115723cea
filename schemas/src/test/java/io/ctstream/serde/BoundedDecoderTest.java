package io.ctstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class BoundedDecoderTest {
    private static final Schema SCHEMA =
            SchemaBuilder.record("R")
                    .namespace("t")
                    .fields()
                    .requiredString("s")
                    .requiredBytes("b")
                    .name("list")
                    .type()
                    .array()
                    .items()
                    .stringType()
                    .noDefault()
                    .name("map")
                    .type()
                    .map()
                    .values()
                    .longType()
                    .noDefault()
                    .name("u")
                    .type()
                    .unionOf()
                    .nullType()
                    .and()
                    .intType()
                    .endUnion()
                    .nullDefault()
                    .name("e")
                    .type()
                    .enumeration("E")
                    .symbols("A", "B")
                    .noDefault()
                    .name("f")
                    .type()
                    .fixed("F")
                    .size(3)
                    .noDefault()
                    .name("nulls")
                    .type()
                    .array()
                    .items()
                    .nullType()
                    .noDefault()
                    .endRecord();

    private static GenericRecord sample() {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("s", "héllo");
        record.put("b", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        record.put("list", List.of("x", "", "yz"));
        record.put("map", Map.of("k", 5L));
        record.put("u", 7);
        record.put("e", new GenericData.EnumSymbol(SCHEMA.getField("e").schema(), "B"));
        record.put("f", new GenericData.Fixed(SCHEMA.getField("f").schema(), new byte[] {9, 8, 7}));
        record.put("nulls", java.util.Collections.nCopies(1000, null));
        return record;
    }

    private static byte[] encode(Schema schema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] varint(long value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        encoder.writeLong(value);
        return out.toByteArray();
    }

    private static GenericRecord decode(Schema schema, byte[] data) throws IOException {
        BoundedDecoder decoder =
                new BoundedDecoder().reset(DecoderFactory.get().binaryDecoder(data, null));
        GenericRecord record = new GenericDatumReader<GenericRecord>(schema).read(null, decoder);
        assertThat(decoder.isEnd()).isTrue();
        return record;
    }

    @Test
    void decodesWhatAvroEncodes() throws IOException {
        byte[] encoded = encode(SCHEMA, sample());
        GenericRecord decoded = decode(SCHEMA, encoded);
        assertThat(encode(SCHEMA, decoded)).isEqualTo(encoded);
        assertThat(((List<?>) decoded.get("nulls"))).hasSize(1000);
        assertThat(decoded.get("s").toString()).isEqualTo("héllo");
    }

    @Test
    void skipsFieldsTheReaderDropped() throws IOException {
        Schema reader =
                SchemaBuilder.record("R")
                        .namespace("t")
                        .fields()
                        .name("e")
                        .type()
                        .enumeration("E")
                        .symbols("A", "B")
                        .noDefault()
                        .endRecord();
        BoundedDecoder decoder =
                new BoundedDecoder()
                        .reset(DecoderFactory.get().binaryDecoder(encode(SCHEMA, sample()), null));
        GenericRecord record =
                new GenericDatumReader<GenericRecord>(SCHEMA, reader).read(null, decoder);
        assertThat(record.get("e").toString()).isEqualTo("B");
        assertThat(decoder.isEnd()).isTrue();
    }

    @Test
    void aStringLongerThanTheDataIsRefusedBeforeAllocation() throws IOException {
        Schema schema = SchemaBuilder.record("S").fields().requiredString("s").endRecord();
        byte[] data = concat(varint(Integer.MAX_VALUE - 8L), new byte[] {'a'});
        assertThatThrownBy(() -> decode(schema, data))
                .isInstanceOf(EOFException.class)
                .hasMessage("string length 2147483639 exceeds the 1 bytes left");
    }

    @Test
    void bytesLongerThanTheDataAreRefused() throws IOException {
        Schema schema = SchemaBuilder.record("S").fields().requiredBytes("b").endRecord();
        assertThatThrownBy(() -> decode(schema, varint(1L << 40)))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("bytes length 1099511627776 exceeds the 0 bytes left");
    }

    @Test
    void negativeLengthIsMalformed() throws IOException {
        Schema schema = SchemaBuilder.record("S").fields().requiredString("s").endRecord();
        assertThatThrownBy(() -> decode(schema, varint(-5)))
                .isInstanceOf(BoundedDecoder.MalformedAvroException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void anArrayClaimingMoreItemsThanPossibleIsMalformed() throws IOException {
        Schema schema =
                SchemaBuilder.record("S")
                        .fields()
                        .name("a")
                        .type()
                        .array()
                        .items()
                        .longType()
                        .noDefault()
                        .endRecord();
        assertThatThrownBy(() -> decode(schema, concat(varint(1L << 30), new byte[] {2, 4})))
                .isInstanceOf(BoundedDecoder.MalformedAvroException.class)
                .hasMessageContaining("claims 1073741824 items");
        Schema maps =
                SchemaBuilder.record("M")
                        .fields()
                        .name("m")
                        .type()
                        .map()
                        .values()
                        .longType()
                        .noDefault()
                        .endRecord();
        assertThatThrownBy(() -> decode(maps, varint(1L << 30)))
                .isInstanceOf(BoundedDecoder.MalformedAvroException.class)
                .hasMessageContaining("map block");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
