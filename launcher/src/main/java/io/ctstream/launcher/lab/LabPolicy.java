package io.ctstream.launcher.lab;

import io.ctstream.streams.policy.VerdictPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A policy file and a freshly generated key file for one gateway, written the way an operator would
 * (streams-app/policy.example.yaml, the key file format of enforcement-agent's README), so the lab
 * and the demo go through the same loaders and checks as {@code ctstream streams --policy --keys}.
 *
 * @param gatewayId the gateway (verdicts topic key, the agent's --gateway)
 * @param policyFile the YAML policy
 * @param keyFile the HMAC key file (one random 32-byte key, key id {@code lab})
 */
public record LabPolicy(String gatewayId, Path policyFile, Path keyFile) {
    public static final String KEY_ID = "lab";

    /**
     * Writes {@code policy.yaml} and {@code verdict-keys} into {@code dir}: one gateway fed by
     * {@code sensors} with {@code subnets} behind it, pinholes for {@code helpers} living {@code
     * pinholeTtlSeconds}, and a BLOCK of {@code blockSeconds} for each alert type listed.
     */
    public static LabPolicy write(
            Path dir,
            String gatewayId,
            List<String> sensors,
            List<String> subnets,
            List<String> helpers,
            int pinholeTtlSeconds,
            Map<String, Integer> blockSeconds) {
        String yaml =
                """
                # written by ctstream (lab / demo): see streams-app/policy.example.yaml
                verdictValiditySeconds: 60
                revokeOn: [FULFILLED, EVICTED, EXPIRED, MASTER_DESTROYED]
                gateways:
                  - id: %s
                %s    subnets: [%s]
                    keyId: %s
                    helpers: [%s]
                    pinholeTtlSeconds: %d
                    wildcardSource: true
                """
                                .formatted(
                                        gatewayId,
                                        sensors.isEmpty()
                                                ? ""
                                                : "    sensors: ["
                                                        + String.join(", ", sensors)
                                                        + "]\n",
                                        String.join(", ", subnets),
                                        KEY_ID,
                                        String.join(", ", helpers),
                                        pinholeTtlSeconds)
                        + (blockSeconds.isEmpty()
                                ? ""
                                : "alertResponses:\n"
                                        + blockSeconds.entrySet().stream()
                                                .map(
                                                        e ->
                                                                "  "
                                                                        + e.getKey()
                                                                        + ": {blockSeconds: "
                                                                        + e.getValue()
                                                                        + "}")
                                                .collect(Collectors.joining("\n", "", "\n")));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String keys =
                "# generated for this run only\nkey."
                        + gatewayId
                        + "."
                        + KEY_ID
                        + " = "
                        + Base64.getEncoder().encodeToString(secret)
                        + "\n";
        Path policy = dir.resolve("policy.yaml");
        Path keyFile = dir.resolve("verdict-keys");
        try {
            Files.createDirectories(dir);
            Files.writeString(policy, yaml);
            Files.writeString(keyFile, keys);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new LabException(
                    "cannot write the policy and keys into " + dir + ": " + e.getMessage(), e);
        }
        return new LabPolicy(gatewayId, policy, keyFile);
    }

    /** Loads both files with the same checks as {@code ctstream streams --policy --keys}. */
    public VerdictPolicy load() {
        return VerdictPolicy.load(policyFile, keyFile);
    }
}
