package io.ctstream.launcher.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.launcher.errors.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query API's token file ({@code streams --query-token-file}, {@code query --token-file}). */
class SecretFileTest {

    @Test
    void aTokenFileMustBePrivateAndNotEmpty(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "  0123456789abcdef-token \n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Preflight.secretFile("--query-token-file", token))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("--query-token-file " + token)
                .hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        assertThat(Preflight.secretFile("--query-token-file", token))
                .isEqualTo("0123456789abcdef-token");
        Files.writeString(token, "\n");
        assertThatThrownBy(() -> Preflight.secretFile("--query-token-file", token))
                .hasMessageContaining("empty");
        assertThat(Preflight.secretFile("--query-token-file", null)).isNull();
    }
}
