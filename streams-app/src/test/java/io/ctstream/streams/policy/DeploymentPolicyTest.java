package io.ctstream.streams.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The compose deployment's policy (docker/config/policy.yaml) passes the same checks as any other.
 */
class DeploymentPolicyTest {

    @Test
    void theComposePolicyLoadsWithTheGatewayAndSensorTheComposeFileUses() {
        PolicyConfig policy = PolicyConfig.load(Path.of("..", "docker", "config", "policy.yaml"));
        // docker-compose.yml's defaults: GATEWAY_ID gw-1, SENSOR_ID sensor-1
        assertThat(policy.gateways()).extracting(GatewayPolicy::id).containsExactly("gw-1");
        assertThat(policy.gateways().get(0).sensors()).containsExactly("sensor-1");
        assertThat(policy.alertResponses()).containsKeys("ftp-bounce", "forged-dcc");
    }
}
