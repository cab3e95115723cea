package io.ctstream.launcher.config;

import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.preflight.ConfigFile;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.config.HelperKeys;
import io.ctstream.streams.config.StreamsKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * The one config source of a command: the {@code --config} file, then each {@code --set KEY=VALUE}
 * over it. Kafka client keys become the clients' properties; ctstream's keys (CONFIGURATION.md) are
 * bound onto the components' config builders here, and nowhere else. Unknown keys and bad values
 * are usage errors naming the key, where it was set, and the closest known key.
 */
public final class ConfigSource {
    private final Properties client = new Properties();
    private final Map<String, String> tunables = new LinkedHashMap<>();

    /** Where each key was last set: "--config FILE" or "--set". */
    private final Map<String, String> origin = new LinkedHashMap<>();

    private ConfigSource() {}

    /**
     * @param file the {@code --config} file or null; @param overrides the {@code --set} pairs, in
     *     order
     */
    public static ConfigSource of(Path file, Map<String, String> overrides) {
        ConfigSource s = new ConfigSource();
        if (file != null) {
            ConfigFile.load(file)
                    .forEach((k, v) -> s.put((String) k, (String) v, "--config " + file));
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey().strip();
            if (!ConfigKeys.isTunable(key) && !ConfigKeys.isClientKey(key)) {
                throw UserException.usage(
                        "--set " + key + "=" + e.getValue() + ": " + ConfigKeys.unknown(key));
            }
            s.put(key, e.getValue(), "--set");
        }
        s.validate();
        return s;
    }

    private void put(String key, String value, String from) {
        if (ConfigKeys.isTunable(key)) {
            tunables.put(key, value);
        } else {
            client.setProperty(key, value);
        }
        origin.put(key, from);
    }

    /** The Kafka client properties (file, then {@code --set}), without ctstream's keys. */
    public Properties clientProperties() {
        Properties copy = new Properties();
        copy.putAll(client);
        return copy;
    }

    /** ctstream's keys that were set, with their values as written. */
    public Map<String, String> tunables() {
        return Map.copyOf(tunables);
    }

    /** Sets streams-app's keys on {@code b}. */
    public StreamsAppConfig.Builder bindStreams(StreamsAppConfig.Builder b) {
        try {
            return StreamsKeys.bind(tunables, b);
        } catch (ConfigException e) {
            throw error(e);
        }
    }

    /**
     * Sets the {@code edge.*} keys on {@code b}. Without {@code edge.helper-ports}, a sensor keeps
     * the payload of the ports the helpers read ({@code helper.<kind>.ports}), so that one file
     * moving FTP to another port moves both.
     */
    public CaptureAgentConfig.Builder bindEdge(CaptureAgentConfig.Builder b) {
        try {
            if (!tunables.containsKey(EdgeKeys.HELPER_PORTS)) {
                b.helperPorts(
                        new ArrayList<>(
                                HelperKeys.payloadPorts(
                                        bindStreams(StreamsAppConfig.builder()).helpers())));
            }
            return EdgeKeys.KEYS.bind(tunables, b);
        } catch (ConfigException e) {
            throw error(e);
        }
    }

    /**
     * Binds every key once, so that a bad value fails before anything starts (each bound record
     * checks itself).
     */
    private void validate() {
        bindStreams(StreamsAppConfig.builder());
        bindEdge(CaptureAgentConfig.builder());
    }

    private UserException error(ConfigException e) {
        // Kafka's message: "Invalid value V for configuration KEY: why"
        String key =
                origin.keySet().stream()
                        .filter(
                                k ->
                                        e.getMessage() != null
                                                && e.getMessage().contains(" " + k + ":"))
                        .findFirst()
                        .orElse(null);
        String from = key == null ? "config" : origin.get(key);
        return UserException.usage(from + ": " + e.getMessage(), e);
    }
}
