package io.ctstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.registry.SchemaRegistryClientConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

    @Test
    void missingRegistryUrlIsAClearConfigError() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of());
        assertThatThrownBy(config::registryClientConfig)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageContaining("/apis/ccompat/v7");
    }

    @Test
    void blankRegistryUrlIsMissing() {
        assertThatThrownBy(
                        () ->
                                new AvroSerdeConfig(Map.of("schema.registry.url", "  "))
                                        .registryClientConfig())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Missing required configuration \"schema.registry.url\"");
    }

    @Test
    void registryUrlWithoutSchemeIsRejected() {
        assertThatThrownBy(
                        () ->
                                new AvroSerdeConfig(Map.of("schema.registry.url", "localhost:8081"))
                                        .registryClientConfig())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("localhost:8081")
                .hasMessageContaining("http(s)://");
    }

    @Test
    void urlIsKeptWithItsPathAndTimeoutsAreRead() {
        SchemaRegistryClientConfig client =
                new AvroSerdeConfig(
                                Map.of(
                                        "schema.registry.url",
                                                "http://127.0.0.1:8080/apis/ccompat/v7",
                                        "schema.registry.connect.timeout.ms", "1500",
                                        "schema.registry.request.timeout.ms", 2500L))
                        .registryClientConfig();
        assertThat(client.baseUrl().toString()).isEqualTo("http://127.0.0.1:8080/apis/ccompat/v7");
        assertThat(client.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(client.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void autoRegisterDefaultsToTrueAndAcceptsStringsAndBooleans() {
        assertThat(new AvroSerdeConfig(Map.of()).autoRegisterSchemas()).isTrue();
        assertThat(
                        new AvroSerdeConfig(Map.of("auto.register.schemas", "false"))
                                .autoRegisterSchemas())
                .isFalse();
        assertThat(
                        new AvroSerdeConfig(Map.of("auto.register.schemas", Boolean.FALSE))
                                .autoRegisterSchemas())
                .isFalse();
    }

    @Test
    void badValuesAreConfigErrorsNamingTheKey() {
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of("auto.register.schemas", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auto.register.schemas");
        assertThatThrownBy(
                        () ->
                                new AvroSerdeConfig(
                                        Map.of("schema.registry.request.timeout.ms", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.request.timeout.ms");
    }

    @Test
    void specificTypeIsReadPerSide() {
        AvroSerdeConfig config =
                new AvroSerdeConfig(
                        Map.of(
                                "specific.avro.key.type",
                                "io.ctstream.avro.FlowKey",
                                "specific.avro.value.type",
                                io.ctstream.avro.PacketRecord.class));
        assertThat(config.specificType(true)).isEqualTo(io.ctstream.avro.FlowKey.class);
        assertThat(config.specificType(false)).isEqualTo(io.ctstream.avro.PacketRecord.class);
    }
}
