package io.ctstream.capture.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.capture.robustness.LabFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The agent registers its value schema when it is built, so a registry problem stops it at the
 * start with the reason.
 */
class CaptureAgentSetupTest {

    @Test
    void anUnreachableRegistryFailsTheAgentAtStartNamingTheSubject() {
        Properties client = new Properties();
        client.put("bootstrap.servers", "127.0.0.1:9");
        client.put("schema.registry.url", "http://127.0.0.1:9");
        CaptureAgentConfig config =
                CaptureAgentConfig.builder()
                        .sensorId("s")
                        .topic("pkts")
                        .clientProperties(client)
                        .replay(List.of(LabFiles.pcaps().get(0)), 0)
                        .build();
        assertThatThrownBy(() -> new CaptureAgent(config, new SimpleMeterRegistry()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot register schema io.ctstream.avro.PacketRecord")
                .hasMessageContaining("'pkts-value'");
    }

    @Test
    void noRegistryIsABadConfiguration() {
        Properties client = new Properties();
        client.put("bootstrap.servers", "127.0.0.1:9");
        CaptureAgentConfig config =
                CaptureAgentConfig.builder()
                        .sensorId("s")
                        .topic("pkts")
                        .clientProperties(client)
                        .replay(List.of(LabFiles.pcaps().get(0)), 0)
                        .build();
        assertThatThrownBy(() -> new CaptureAgent(config, new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.url is required");
    }
}
