package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.launcher.config.ConfigDoc;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ctstream config}: the values in force, --set over the file; the markdown table; errors as
 * elsewhere.
 */
class ConfigCommandTest {
    @TempDir Path dir;

    @Test
    void printsTheValuesInForceAndTheDefaultsCommentedOut() throws Exception {
        Path f =
                Files.writeString(
                        dir.resolve("c.properties"),
                        "conntrack.udp.timeout=60s\nhelper.ftp.ports=2121\n"
                                + "security.protocol=SSL\n");
        UserErrorsTest.Run r =
                UserErrorsTest.run(
                        "config", "--config", f.toString(), "--set", "conntrack.udp.timeout=10s");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines())
                .contains(
                        "conntrack.udp.timeout=10s",
                        "helper.ftp.ports=2121",
                        "#conntrack.tcp.timeout.established=5d",
                        "#limits.max-expectations=");
        assertThat(r.stdout()).doesNotContain("security.protocol");
    }

    @Test
    void markdownIsTheDocumentedTable() {
        UserErrorsTest.Run r = UserErrorsTest.run("config", "--markdown");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(ConfigDoc.table());
    }

    @Test
    void anUnknownKeyIsAUsageError() {
        UserErrorsTest.Run r = UserErrorsTest.run("config", "--set", "matcher.gracee=1s");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("unknown key matcher.gracee (did you mean matcher.grace?)");
    }
}
