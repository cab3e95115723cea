package io.ctstream.launcher.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.launcher.errors.ExitCodes;
import io.ctstream.launcher.errors.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir Path dir;

    @Test
    void clientSecuritySerdeAndPrefixedKeysAreAccepted() throws Exception {
        Path f =
                Files.writeString(
                        dir.resolve("ok.properties"),
                        String.join(
                                "\n",
                                "bootstrap.servers=k:9093",
                                "security.protocol=SASL_SSL",
                                "sasl.mechanism=SCRAM-SHA-512",
                                "sasl.jaas.config=x",
                                "ssl.truststore.location=/t.jks",
                                "linger.ms=5",
                                "max.poll.records=100",
                                "schema.registry.url=https://r:8081",
                                "schema.registry.request.timeout.ms=3000",
                                "topic.prefix=a-",
                                "auto.register.schemas=false",
                                "producer.compression.type=zstd",
                                "main.consumer.fetch.min.bytes=1",
                                "commit.interval.ms=50",
                                ""));
        Properties p = ConfigFile.load(f);
        assertThat(p)
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("topic.prefix", "a-")
                .hasSize(14);
    }

    @Test
    void anUnknownKeyOrAMissingFileIsAUsageErrorNamingIt() throws Exception {
        Path f =
                Files.writeString(
                        dir.resolve("typo.properties"),
                        "sasl.mechanisms=PLAIN\nbootstrap.servers=k:1\nlingerms=5\n");
        assertThatThrownBy(() -> ConfigFile.load(f))
                .isInstanceOf(UserException.class)
                .hasMessage(
                        "--config "
                                + f
                                + ": unknown key lingerms (did you mean linger.ms?); "
                                + "unknown key sasl.mechanisms (did you mean sasl.mechanism?)")
                .matches(e -> ((UserException) e).exitCode() == ExitCodes.USAGE);
        Path missing = dir.resolve("none.properties");
        assertThatThrownBy(() -> ConfigFile.load(missing))
                .hasMessage("--config " + missing + ": no such file");
    }
}
