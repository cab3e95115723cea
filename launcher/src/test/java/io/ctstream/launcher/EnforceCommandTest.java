package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EnforceCommandTest {

    static String[] run(String... args) {
        CommandLine cl = CtstreamCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void isASubcommandWithItsOptions() {
        String[] r = run("enforce", "--help");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1])
                .contains(
                        "--gateway", "--keys", "--dry-run", "--nft-command", "--bootstrap-servers");
    }

    @Test
    void pinholesAreNarrowByDefaultAndTheOptionsWidenThem() {
        EnforceCommand narrow = new EnforceCommand();
        new CommandLine(narrow).parseArgs("--gateway", "gw1", "--keys", "k");
        io.ctstream.enforcement.gate.GateLimits limits = narrow.limits();
        assertThat(limits.allowWildcardSource()).isFalse();
        assertThat(limits.minAllowSrcPrefixV4()).isEqualTo(32);
        assertThat(limits.minAllowSrcPrefixV6()).isEqualTo(128);
        assertThat(limits.maxAllowTtlSeconds()).isEqualTo(3600);
        assertThat(limits.minSrcPrefixV4()).as("a BLOCK may cover a /24").isEqualTo(24);
        assertThat(limits.maxTtlSeconds()).isEqualTo(86_400);
        EnforceCommand wide = new EnforceCommand();
        new CommandLine(wide)
                .parseArgs(
                        "--gateway",
                        "gw1",
                        "--keys",
                        "k",
                        "--wildcard-source",
                        "--min-allow-src-prefix-v4",
                        "24",
                        "--max-allow-ttl",
                        "86400");
        assertThat(wide.limits().allowWildcardSource()).isTrue();
        assertThat(wide.limits().minAllowSrcPrefixV4()).isEqualTo(24);
        assertThat(wide.limits().maxAllowTtlSeconds()).isEqualTo(86_400);
    }

    @Test
    void aBadLimitIsAClearError(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                "key.gw1.k1 = "
                        + java.util.Base64.getEncoder().encodeToString(new byte[32])
                        + "\n");
        Files.setPosixFilePermissions(
                keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String[] r =
                run(
                        "enforce",
                        "--gateway",
                        "gw1",
                        "--keys",
                        keys.toString(),
                        "--min-allow-src-prefix-v4",
                        "33",
                        "-b",
                        "127.0.0.1:1",
                        "-r",
                        "http://127.0.0.1:1");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2])
                .contains("minimum IPv4 source prefix of an ALLOW must be 1-32: 33")
                .doesNotContain("at io.ctstream");
    }

    @Test
    void requiresGatewayAndKeys() {
        String[] r = run("enforce");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--gateway").contains("--keys");
    }

    @Test
    void aBadKeyFileIsAClearError(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "key.gw1.k1 = c2hvcnQ=\n");
        Files.setPosixFilePermissions(
                keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String[] r =
                run(
                        "enforce",
                        "--gateway",
                        "gw1",
                        "--keys",
                        keys.toString(),
                        "-b",
                        "127.0.0.1:1",
                        "-r",
                        "http://127.0.0.1:1");
        assertThat(r[0]).isNotEqualTo("0");
        assertThat(r[2]).contains(keys + ":1").contains("at least 32");
    }

    @Test
    void aKeyFileWithoutThisGatewayIsAClearError(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                "key.gw2.k1 = "
                        + java.util.Base64.getEncoder().encodeToString(new byte[32])
                        + "\n");
        Files.setPosixFilePermissions(
                keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String[] r =
                run(
                        "enforce",
                        "--gateway",
                        "gw1",
                        "--keys",
                        keys.toString(),
                        "-b",
                        "127.0.0.1:1",
                        "-r",
                        "http://127.0.0.1:1");
        assertThat(r[0]).isNotEqualTo("0");
        assertThat(r[2]).contains("no key for gateway gw1");
    }

    @Test
    void theAgentRefusesAKeyFileWithMode0644(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                "key.gw1.k1 = "
                        + java.util.Base64.getEncoder().encodeToString(new byte[32])
                        + "\n");
        Files.setPosixFilePermissions(
                keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        String[] r =
                run(
                        "enforce",
                        "--gateway",
                        "gw1",
                        "--keys",
                        keys.toString(),
                        "--dry-run",
                        "-b",
                        "127.0.0.1:1",
                        "-r",
                        "http://127.0.0.1:1");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2])
                .contains(keys.toString())
                .contains("accessible by others")
                .contains("chmod 600")
                .doesNotContain("at io.ctstream");
    }
}
