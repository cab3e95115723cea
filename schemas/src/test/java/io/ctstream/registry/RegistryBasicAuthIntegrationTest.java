package io.ctstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.FlowKey;
import io.ctstream.embedded.junit.AuthenticatingRegistryProxy;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.serde.AvroSerdeConfig;
import io.ctstream.serde.AvroSerdes;
import io.ctstream.serde.SpecificAvroSerde;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The registry client and the serde against a registry that requires basic authentication (the
 * embedded Apicurio behind {@link AuthenticatingRegistryProxy}), configured with Confluent's client
 * properties.
 */
@ExtendWith(EmbeddedCluster.class)
class RegistryBasicAuthIntegrationTest {

    @Test
    void withoutCredentialsTheRegistryRefuses() throws Exception {
        try (AuthenticatingRegistryProxy proxy =
                new AuthenticatingRegistryProxy(
                        EmbeddedCluster.schemaRegistryUrl(), "ct", "s3cret")) {
            assertThatThrownBy(() -> SchemaRegistryClient.create(proxy.url()).subjects())
                    .isInstanceOfSatisfying(
                            SchemaRegistryException.class,
                            e -> assertThat(e.httpStatus()).isEqualTo(401));
            assertThat(proxy.refused.get()).isPositive();
            assertThat(proxy.forwarded.get()).isZero();
        }
    }

    @Test
    void userInfoPropertiesAuthenticateTheSerdeEndToEnd() throws Exception {
        try (AuthenticatingRegistryProxy proxy =
                new AuthenticatingRegistryProxy(
                        EmbeddedCluster.schemaRegistryUrl(), "ct", "s3cret")) {
            Map<String, Object> config = new HashMap<>();
            config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, proxy.url());
            config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
            config.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO, "ct:s3cret");
            String topic = EmbeddedCluster.uniqueTopic("auth");
            FlowKey key =
                    FlowKey.newBuilder()
                            .setIpVersion(4)
                            .setProtocol(6)
                            .setAddrA(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                            .setPortA(1234)
                            .setAddrB(ByteBuffer.wrap(new byte[] {10, 0, 0, 2}))
                            .setPortB(21)
                            .build();
            try (SpecificAvroSerde<FlowKey> serde =
                    AvroSerdes.specific(FlowKey.class, config, false)) {
                byte[] bytes =
                        serde.serializer()
                                .serialize(topic, key); // registers the schema through the proxy
                assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(key);
            }
            assertThat(proxy.forwarded.get()).isPositive();
            assertThat(proxy.refused.get()).isZero();
            assertThat(new AvroSerdeConfig(config).registryClientConfig().toString())
                    .doesNotContain("s3cret");
        }
    }

    @Test
    void credentialsInTheUrlAuthenticateAndAreNotSentInTheUrl() throws Exception {
        try (AuthenticatingRegistryProxy proxy =
                new AuthenticatingRegistryProxy(
                        EmbeddedCluster.schemaRegistryUrl(), "ct", "p@ss")) {
            String url = proxy.url().replace("http://", "http://ct:p%40ss@");
            SchemaRegistryClientConfig client =
                    new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url))
                            .registryClientConfig();
            assertThat(client.baseUrl().toString()).isEqualTo(proxy.url());
            assertThat(new SchemaRegistryClient(client).subjects()).isNotNull();
            assertThat(proxy.forwarded.get()).isPositive();
        }
    }

    @Test
    void badAuthSettingsAreClearErrors() {
        assertThatThrownBy(
                        () ->
                                new AvroSerdeConfig(
                                                Map.of(
                                                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                                                        "http://h:1",
                                                        AvroSerdeConfig
                                                                .BASIC_AUTH_CREDENTIALS_SOURCE,
                                                        "USER_INFO"))
                                        .registryClientConfig())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(
                        () ->
                                new AvroSerdeConfig(
                                        Map.of(
                                                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                                                "http://h:1",
                                                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE,
                                                "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.credentials.source");
        assertThatThrownBy(
                        () ->
                                new AvroSerdeConfig(
                                                Map.of(
                                                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                                                        "https://h:1",
                                                        AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION,
                                                        "/nonexistent/truststore.p12"))
                                        .registryClientConfig())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/nonexistent/truststore.p12");
    }
}
