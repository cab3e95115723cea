package io.ctstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class StreamsAppConfigTest {

    @Test
    void toBuilderRoundTripsAndTheClientPropertiesStayImmutable() {
        Properties client = new Properties();
        client.setProperty("security.protocol", "SASL_SSL");
        StreamsAppConfig c =
                StreamsAppConfig.builder()
                        .bootstrapServers("k:9092")
                        .schemaRegistryUrl("http://r:8081")
                        .clientProperties(client)
                        .queryPort(0)
                        .build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        c.clientProperties().setProperty("security.protocol", "PLAINTEXT");
        client.setProperty("security.protocol", "PLAINTEXT");
        assertThat(c.clientProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void toStringHidesSecrets() {
        Properties client = new Properties();
        client.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"u\" password=\"s3cret-pass\";");
        StreamsAppConfig c =
                StreamsAppConfig.builder()
                        .bootstrapServers("k:9092")
                        .schemaRegistryUrl("http://r:8081")
                        .clientProperties(client)
                        .queryToken("0123456789abcdef-token")
                        .build();
        assertThat(c.toString())
                .contains("sasl.jaas.config")
                .doesNotContain("s3cret-pass")
                .doesNotContain("0123456789abcdef-token");
    }

    @Test
    void validatesWhatItHolds() {
        assertThatThrownBy(() -> StreamsAppConfig.builder().schemaRegistryUrl("http://r").build())
                .hasMessage("bootstrapServers is required");
        assertThatThrownBy(
                        () ->
                                StreamsAppConfig.builder()
                                        .bootstrapServers("k")
                                        .schemaRegistryUrl("http://r")
                                        .queryPort(70000)
                                        .build())
                .hasMessageContaining("queryPort");
    }
}
