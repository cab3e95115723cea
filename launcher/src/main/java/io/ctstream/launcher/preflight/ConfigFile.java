package io.ctstream.launcher.preflight;

import io.ctstream.launcher.config.ConfigKeys;
import io.ctstream.launcher.errors.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The {@code --config} file: ctstream's settings (CONFIGURATION.md) and Kafka client properties,
 * which are passed on as they are. A key that is neither is refused, naming it and the closest
 * known key: the Kafka clients only log "supplied but isn't a known config" for it, so a misspelt
 * {@code sasl.mechanism} would surface later as an authentication failure, and a misspelt timeout
 * would silently keep its default.
 */
public final class ConfigFile {

    private ConfigFile() {}

    /**
     * Reads {@code file}; a missing or unreadable file, or an unknown key, is a usage error naming
     * it.
     */
    public static Properties load(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw UserException.usage("--config " + file + ": no such file", e);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape
            throw UserException.usage("--config " + file + ": cannot read: " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        for (String key : props.stringPropertyNames()) {
            if (!ConfigKeys.isTunable(key) && !ConfigKeys.isClientKey(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            throw UserException.usage(
                    "--config "
                            + file
                            + ": "
                            + String.join(
                                    "; ", unknown.stream().map(ConfigKeys::unknown).toList()));
        }
        return props;
    }
}
