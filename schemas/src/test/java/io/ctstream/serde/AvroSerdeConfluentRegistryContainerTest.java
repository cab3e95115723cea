package io.ctstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.PacketRecord;
import io.ctstream.embedded.containers.ConfluentContainers;
import io.ctstream.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The serde against Confluent's own Schema Registry (cp-schema-registry in a container, on a Kafka
 * container): the embedded default and AvroSerdeRegistryIntegrationTest use Apicurio's
 * Confluent-compatible API, this checks the real thing. Skipped where Docker is not available.
 */
@Testcontainers(disabledWithoutDocker = true)
class AvroSerdeConfluentRegistryContainerTest {
    @Container static final ConfluentContainers CONFLUENT = new ConfluentContainers();

    @Test
    void writesTheConfluentWireFormatWithTheIdConfluentAssigned() {
        String topic = "tc-packets";
        SpecificAvroSerde<PacketRecord> serde =
                AvroSerdes.specific(
                        PacketRecord.class,
                        Map.of("schema.registry.url", CONFLUENT.schemaRegistryUrl()),
                        false);
        PacketRecord record = SampleRecords.packet(1);

        byte[] bytes = serde.serializer().serialize(topic, record);

        SchemaRegistryClient registry = SchemaRegistryClient.create(CONFLUENT.schemaRegistryUrl());
        assertThat(registry.subjects()).contains(topic + "-value");
        int id = registry.lookupId(topic + "-value", PacketRecord.getClassSchema());
        ByteBuffer frame = ByteBuffer.wrap(bytes);
        assertThat(frame.get()).as("magic byte").isZero();
        assertThat(frame.getInt()).as("schema id").isEqualTo(id);
        assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(record);
    }

    @Test
    void aFreshDeserializerReadsBySchemaIdFromConfluent() {
        String topic = "tc-packets-by-id";
        Map<String, Object> config = Map.of("schema.registry.url", CONFLUENT.schemaRegistryUrl());
        byte[] bytes =
                AvroSerdes.specific(PacketRecord.class, config, false)
                        .serializer()
                        .serialize(topic, SampleRecords.packet(2));
        PacketRecord read =
                AvroSerdes.specific(PacketRecord.class, config, false)
                        .deserializer()
                        .deserialize(topic, bytes);
        assertThat(read).isEqualTo(SampleRecords.packet(2));
    }
}
