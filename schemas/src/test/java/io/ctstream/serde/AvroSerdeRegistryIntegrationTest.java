package io.ctstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ctstream.avro.PacketRecord;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.registry.SchemaRegistryClient;
import io.ctstream.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The serializer and deserializer against the real Apicurio registry, without a broker: schema
 * evolution, lookup-only mode and every kind of bad bytes.
 */
@ExtendWith(EmbeddedCluster.class)
class AvroSerdeRegistryIntegrationTest {
    private static SchemaRegistryClient client;

    @BeforeAll
    static void sharedClient() {
        client = SchemaRegistryClient.create(EmbeddedCluster.schemaRegistryUrl());
    }

    private static SpecificAvroSerde<PacketRecord> packets() {
        return AvroSerdes.specific(PacketRecord.class, client, false);
    }

    @Test
    void oldDataReadsIntoTheCurrentClassWithDefaults() throws IOException {
        String topic = EmbeddedCluster.uniqueTopic("evolution-old");
        // an earlier PacketRecord, before the SACK fields were added
        Schema old = without(PacketRecord.getClassSchema(), "tcpSackPermitted", "tcpMaxSack");
        PacketRecord current = SampleRecords.packet(3);
        current.setTcpSackPermitted(true);
        current.setTcpMaxSack(99L);
        int oldId = client.register(topic + "-value", old);

        SpecificAvroSerde<PacketRecord> serde = packets();
        byte[] oldData = frame(oldId, old, copy(current, old));
        PacketRecord expected =
                PacketRecord.newBuilder(current)
                        .setTcpSackPermitted(false)
                        .setTcpMaxSack(0L)
                        .build();
        assertThat(serde.deserializer().deserialize(topic, oldData)).isEqualTo(expected);

        // the current class registers as the next version: the registry (BACKWARD) accepts it
        byte[] newData = serde.serializer().serialize(topic, current);
        assertThat(client.latest(topic + "-value").version()).isEqualTo(2);
        // one deserializer reads a topic that mixes both versions
        assertThat(serde.deserializer().deserialize(topic, newData)).isEqualTo(current);
        assertThat(serde.deserializer().deserialize(topic, oldData)).isEqualTo(expected);
        assertThat(serde.deserializer().deserialize(topic, newData)).isEqualTo(current);
    }

    @Test
    void newerDataWithAnExtraFieldReadsIntoTheCurrentClass() throws IOException {
        String topic = EmbeddedCluster.uniqueTopic("evolution-new");
        Schema newer = withExtraLong(PacketRecord.getClassSchema(), "vlanId");
        GenericRecord record = copy(SampleRecords.packet(4), newer);
        record.put("vlanId", 7L);
        int newerId = client.register(topic + "-value", newer);

        assertThat(packets().deserializer().deserialize(topic, frame(newerId, newer, record)))
                .isEqualTo(SampleRecords.packet(4));
    }

    @Test
    void incompatibleWriterSchemaIsExplained() throws IOException {
        String topic = EmbeddedCluster.uniqueTopic("incompatible");
        Schema writer =
                withFieldType(
                        PacketRecord.getClassSchema(),
                        "protocol",
                        Schema.create(Schema.Type.STRING));
        GenericRecord record = copy(SampleRecords.packet(1), writer);
        record.put("protocol", "tcp");
        int id = client.register(topic + "-value", writer);
        byte[] data = frame(id, writer, record);

        assertThatThrownBy(() -> packets().deserializer().deserialize(topic, data))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("value of topic '" + topic + "', schema id " + id)
                .hasMessageContaining("cannot be read as io.ctstream.avro.PacketRecord")
                .hasMessageContaining("TYPE_MISMATCH at field protocol");
    }

    @Test
    void unknownSchemaIdIsNamed() {
        int unknown = 0x7ffffff0;
        assertThatThrownBy(() -> client.schemaById(unknown))
                .as("precondition: the registry has no such id")
                .isInstanceOf(SchemaRegistryException.class);
        byte[] data = {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 'x'};
        assertThatThrownBy(() -> packets().deserializer().deserialize("packets", data))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("value of topic 'packets', schema id " + unknown)
                .hasMessageContaining("unknown schema id")
                .hasMessageContaining("40403");
    }

    @Test
    void avroDataCutAtAnyLengthIsTruncated() {
        String topic = EmbeddedCluster.uniqueTopic("truncated");
        byte[] whole = packets().serializer().serialize(topic, SampleRecords.packet(2));
        int id = ByteBuffer.wrap(whole, 1, 4).getInt();
        SpecificAvroDeserializer<PacketRecord> deserializer = packets().deserializer();
        for (int length = ConfluentWireFormat.HEADER_SIZE; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> deserializer.deserialize(topic, cut))
                    .as("cut to %d of %d bytes", cut.length, whole.length)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("schema id " + id)
                    .hasMessageContaining("truncated Avro data");
        }
        assertThat(deserializer.deserialize(topic, whole)).isEqualTo(SampleRecords.packet(2));
    }

    @Test
    void bytesLeftOverAfterTheRecordAreMalformed() {
        String topic = EmbeddedCluster.uniqueTopic("trailing");
        byte[] whole = packets().serializer().serialize(topic, SampleRecords.packet(2));
        byte[] longer = Arrays.copyOf(whole, whole.length + 3);
        assertThatThrownBy(() -> packets().deserializer().deserialize(topic, longer))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("malformed Avro data: 3 bytes left over");
    }

    @Test
    void garbageAfterAValidHeaderIsMalformedNeverAnotherException() {
        String topic = EmbeddedCluster.uniqueTopic("garbage");
        byte[] whole = packets().serializer().serialize(topic, SampleRecords.packet(2));
        SpecificAvroDeserializer<PacketRecord> deserializer = packets().deserializer();

        // a varint that never ends
        byte[] endless = Arrays.copyOf(whole, 5 + 12);
        Arrays.fill(endless, 5, endless.length, (byte) 0xff);
        assertThatThrownBy(() -> deserializer.deserialize(topic, endless))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("malformed Avro data");

        // a string that claims to be a gigabyte long
        byte[] huge = concat(Arrays.copyOf(whole, 5), varint(1L << 30), new byte[] {'a', 'b'});
        assertThatThrownBy(() -> deserializer.deserialize(topic, huge))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated Avro data")
                .hasMessageContaining("string length 1073741824 exceeds the 2 bytes left");

        Random random = new Random(42);
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[5 + random.nextInt(80)];
            random.nextBytes(garbage);
            System.arraycopy(whole, 0, garbage, 0, 5);
            Throwable thrown = catchThrowable(() -> deserializer.deserialize(topic, garbage));
            if (thrown != null) {
                failures.add(thrown);
            }
        }
        assertThat(failures)
                .hasSizeGreaterThan(1900)
                .allSatisfy(
                        t ->
                                assertThat(t)
                                        .isInstanceOf(SerializationException.class)
                                        .hasMessageContaining("schema id"));
    }

    @Test
    void lookupOnlyModeNeedsTheSchemaRegisteredFirst() {
        String topic = EmbeddedCluster.uniqueTopic("lookup-only");
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, EmbeddedCluster.schemaRegistryUrl());
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
        SpecificAvroSerde<PacketRecord> lookupOnly =
                AvroSerdes.specific(PacketRecord.class, config, false);

        assertThatThrownBy(() -> lookupOnly.serializer().serialize(topic, SampleRecords.packet(1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("auto.register.schemas=false")
                .hasMessageContaining("the schema is not registered under the subject")
                .hasMessageContaining("'" + topic + "-value'");
        assertThat(client.subjects()).doesNotContain(topic + "-value");

        int id = client.register(topic + "-value", PacketRecord.getClassSchema());
        byte[] data = lookupOnly.serializer().serialize(topic, SampleRecords.packet(1));
        assertThat(ByteBuffer.wrap(data, 1, 4).getInt()).isEqualTo(id);
        assertThat(lookupOnly.deserializer().deserialize(topic, data))
                .isEqualTo(SampleRecords.packet(1));
    }

    @Test
    void aNullInARequiredFieldIsASerializationError() {
        PacketRecord broken = SampleRecords.packet(1);
        broken.setSensorId(null);
        assertThatThrownBy(
                        () ->
                                packets()
                                        .serializer()
                                        .serialize(EmbeddedCluster.uniqueTopic("broken"), broken))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot encode io.ctstream.avro.PacketRecord");
    }

    @Test
    void concurrentSerializersAndDeserializersAgree() throws Exception {
        String topic = EmbeddedCluster.uniqueTopic("concurrent");
        SpecificAvroSerde<PacketRecord> serde = packets();
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int base = t * 1000;
                results.add(
                        pool.submit(
                                () -> {
                                    for (int i = base; i < base + 500; i++) {
                                        PacketRecord record = SampleRecords.packet(i);
                                        if (!record.equals(
                                                serde.deserializer()
                                                        .deserialize(
                                                                topic,
                                                                serde.serializer()
                                                                        .serialize(
                                                                                topic, record)))) {
                                            return false;
                                        }
                                    }
                                    return true;
                                }));
            }
            for (java.util.concurrent.Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * Confluent framing of {@code record} written with {@code schema}, as another (older or newer)
     * producer would.
     */
    private static byte[] frame(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfluentWireFormat.writeHeader(out, id);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * The fields of {@code from} that {@code schema} has, as a generic record of {@code schema}.
     */
    private static GenericRecord copy(PacketRecord from, Schema schema) {
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            if (from.getSchema().getField(field.name()) != null) {
                record.put(field.name(), from.get(field.name()));
            }
        }
        return record;
    }

    private static Schema without(Schema record, String... names) {
        List<String> dropped = List.of(names);
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            if (!dropped.contains(f.name())) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(
                record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static Schema withExtraLong(Schema record, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.LONG), "added later", 0L));
        return Schema.createRecord(
                record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static Schema withFieldType(Schema record, String name, Schema type) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            fields.add(
                    f.name().equals(name)
                            ? new Schema.Field(f.name(), type, f.doc())
                            : new Schema.Field(f, f.schema()));
        }
        return Schema.createRecord(
                record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static byte[] varint(long value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            encoder.writeLong(value);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
