package io.ctstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.PacketRecord;
import io.ctstream.registry.SchemaRegistryClient;
import io.ctstream.registry.SchemaRegistryClientConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The serializer and deserializer on their own: everything decided before (or without) a registry
 * answer. The registry URL points at a closed port, so a test that reached the registry would fail
 * with "unreachable". The round trips against the real registry and broker are in
 * AvroSerdeIntegrationTest.
 */
class SpecificAvroSerdeTest {
    private static String closedUrl;

    @BeforeAll
    static void closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedUrl = "http://127.0.0.1:" + socket.getLocalPort() + "/apis/ccompat/v7";
        }
    }

    private static Map<String, Object> config() {
        return Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                closedUrl,
                AvroSerdeConfig.REGISTRY_CONNECT_TIMEOUT_MS,
                2000);
    }

    @Test
    void nullIsATombstoneBothWays() {
        SpecificAvroSerde<PacketRecord> serde =
                AvroSerdes.specific(PacketRecord.class, config(), false);
        assertThat(serde.serializer().serialize("packets", null)).isNull();
        assertThat(serde.deserializer().deserialize("packets", null)).isNull();
    }

    @Test
    void truncatedHeaderIsRejectedWithoutAskingTheRegistry() {
        SpecificAvroDeserializer<PacketRecord> deserializer =
                AvroSerdes.specific(PacketRecord.class, config(), false).deserializer();
        assertThatThrownBy(() -> deserializer.deserialize("packets", new byte[] {0, 0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("value of topic 'packets'")
                .hasMessageContaining("truncated: 3 bytes");
        assertThatThrownBy(() -> deserializer.deserialize("packets", new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated: 0 bytes");
    }

    @Test
    void unknownMagicByteIsRejectedWithoutAskingTheRegistry() {
        SpecificAvroDeserializer<PacketRecord> deserializer =
                AvroSerdes.specific(PacketRecord.class, config(), true).deserializer();
        assertThatThrownBy(
                        () ->
                                deserializer.deserialize(
                                        "packets",
                                        "garbage, not avro"
                                                .getBytes(
                                                        java.nio.charset.StandardCharsets
                                                                .US_ASCII)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("key of topic 'packets'")
                .hasMessageContaining("unknown magic byte 0x67");
    }

    @Test
    void unreachableRegistryIsASerializationErrorNamingSubjectAndCause() {
        SpecificAvroSerializer<PacketRecord> serializer =
                AvroSerdes.specific(PacketRecord.class, config(), false).serializer();
        assertThatThrownBy(() -> serializer.serialize("packets", SampleRecords.packet(1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(
                        "cannot register schema io.ctstream.avro.PacketRecord under subject 'packets-value'")
                .hasMessageContaining("unreachable");
    }

    @Test
    void unreachableRegistryWhileReadingNamesTheSchemaId() {
        SpecificAvroDeserializer<PacketRecord> deserializer =
                AvroSerdes.specific(PacketRecord.class, config(), false).deserializer();
        assertThatThrownBy(
                        () -> deserializer.deserialize("packets", new byte[] {0, 0, 0, 1, 7, 2, 3}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id 263")
                .hasMessageContaining("cannot fetch the writer schema")
                .hasMessageContaining("unreachable");
    }

    @Test
    void lookupOnlyModeSaysSo() {
        Map<String, Object> config = new java.util.HashMap<>(config());
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        SpecificAvroSerializer<PacketRecord> serializer =
                AvroSerdes.specific(PacketRecord.class, config, true).serializer();
        assertThatThrownBy(() -> serializer.serialize("packets", SampleRecords.packet(1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("auto.register.schemas=false")
                .hasMessageContaining("'packets-key'");
    }

    @Test
    void missingRegistryUrlFailsAtConfigure() {
        SpecificAvroSerializer<PacketRecord> serializer = new SpecificAvroSerializer<>();
        assertThatThrownBy(() -> serializer.configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        SpecificAvroDeserializer<PacketRecord> deserializer =
                new SpecificAvroDeserializer<>(PacketRecord.class);
        assertThatThrownBy(
                        () -> deserializer.configure(Map.of("auto.register.schemas", true), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void sharedClientNeedsNoUrl() {
        SchemaRegistryClient client =
                new SchemaRegistryClient(
                        SchemaRegistryClientConfig.of(closedUrl).toBuilder()
                                .connectTimeout(Duration.ofSeconds(2))
                                .requestTimeout(Duration.ofSeconds(2))
                                .build());
        SpecificAvroSerde<PacketRecord> serde =
                AvroSerdes.specific(PacketRecord.class, client, false);
        assertThatThrownBy(() -> serde.serializer().serialize("packets", SampleRecords.packet(1)))
                .hasMessageContaining(closedUrl);
    }

    @Test
    void useBeforeConfigureIsAnIllegalState() {
        SpecificAvroSerializer<PacketRecord> serializer = new SpecificAvroSerializer<>();
        assertThatThrownBy(() -> serializer.serialize("packets", SampleRecords.packet(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("configure");
        SpecificAvroDeserializer<PacketRecord> deserializer =
                new SpecificAvroDeserializer<>(PacketRecord.class);
        assertThatThrownBy(() -> deserializer.deserialize("packets", new byte[] {0, 0, 0, 0, 1, 2}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("configure");
    }

    @Test
    void targetTypeMustBeAGeneratedRecord() {
        SpecificAvroDeserializer<PacketRecord> deserializer = new SpecificAvroDeserializer<>();
        assertThatThrownBy(
                        () ->
                                deserializer.configure(
                                        Map.of(
                                                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                                                closedUrl,
                                                AvroSerdeConfig.SPECIFIC_VALUE_TYPE,
                                                String.class),
                                        false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("java.lang.String");
    }
}
