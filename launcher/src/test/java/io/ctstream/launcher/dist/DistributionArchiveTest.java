package io.ctstream.launcher.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive ({@code mvn package}: {@code
 * launcher/target/ctstream-<version>-dist.tar.gz}) works on its own: unpacked into an empty
 * directory, its {@code bin/ctstream analyze} reads a lab capture and reports the FTP session, with
 * nothing of the repository on its class path. Under {@code mvn test} there is no package phase, so
 * the test makes the archive itself with a child Maven that jars the modules' already compiled
 * classes and runs the launcher's assembly execution (about 20 s; {@code jar:jar
 * assembly:single@dist}, no compile, no shade).
 */
class DistributionArchiveTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path TARGET = ROOT.resolve("launcher/target");
    private static final Path CAPTURE = ROOT.resolve("testdata/lab/ftp-passive.pcap");

    @Test
    void theUnpackedArchiveAnalyzesACapture(@TempDir Path tmp) throws Exception {
        Path archive = buildArchive();

        Path install = Files.createDirectories(tmp.resolve("install"));
        Run untar = run(install, 120, List.of("tar", "-xzf", archive.toString()), Map.of());
        assertThat(untar.exit()).as(untar.output()).isZero();
        Path home;
        try (Stream<Path> top = Files.list(install)) {
            home = top.collect(onlyOne());
        }
        assertThat(home.getFileName().toString()).startsWith("ctstream-");
        assertThat(home.resolve("bin/ctstream")).isExecutable();
        for (String unit : List.of("capture-agent", "streams-app", "enforcement-agent")) {
            String text = Files.readString(home.resolve("systemd/ctstream-" + unit + ".service"));
            assertThat(text)
                    .as(unit)
                    .contains(
                            "DynamicUser=yes",
                            "CapabilityBoundingSet=",
                            "NoNewPrivileges=yes",
                            "ExecStart=/opt/ctstream/bin/ctstream ");
        }
        assertThat(Files.readString(home.resolve("systemd/ctstream-streams-app.service")))
                .contains("CapabilityBoundingSet=\n")
                .doesNotContain("CAP_NET");
        verifyUnits(home, tmp);
        assertThat(home.resolve("config/client.properties")).isRegularFile();
        assertThat(home.resolve("config/policy.example.yaml")).isRegularFile();
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("ctstream-launcher-"))
                    .anyMatch(n -> n.startsWith("ctstream-streams-app-"))
                    .anyMatch(n -> n.startsWith("kafka-streams-"));
        }

        // from an empty working directory, with only java: nothing of the repository is reachable
        Path work = Files.createDirectories(tmp.resolve("work"));
        Run analyze =
                run(
                        work,
                        180,
                        List.of(
                                home.resolve("bin/ctstream").toString(),
                                "analyze",
                                "--quiet",
                                "--pcap",
                                CAPTURE.toString(),
                                "--format",
                                "jsonl"),
                        Map.of(
                                "JAVA_HOME",
                                System.getProperty("java.home"),
                                "CTSTREAM_JAVA_OPTS",
                                "-Xmx512m"));
        assertThat(analyze.exit()).as(analyze.output()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : analyze.output().split("\n")) {
            if (line.startsWith("{")) {
                lines.add(json.readTree(line));
            }
        }
        assertThat(lines)
                .as(analyze.output())
                .anyMatch(
                        n ->
                                "connection".equals(n.path("kind").asText())
                                        && n.path("orig").path("dport").asInt() == 21
                                        && "ftp".equals(n.path("helper").asText()))
                .anyMatch(
                        n ->
                                "expectation".equals(n.path("kind").asText())
                                        && "fulfilled".equals(n.path("outcome").asText()));
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left.toList()).as("analyze to stdout writes no file").isEmpty();
        }
    }

    /**
     * systemd's own check of the units (every key known, the command executable), with the
     * installation path replaced by the unpacked archive's; where systemd-analyze is not installed,
     * the text checks above are all.
     */
    private static void verifyUnits(Path home, Path tmp) throws IOException, InterruptedException {
        if (run(tmp, 30, List.of("sh", "-c", "command -v systemd-analyze"), Map.of()).exit() != 0) {
            return;
        }
        Path units = Files.createDirectories(tmp.resolve("units"));
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        try (Stream<Path> files = Files.list(home.resolve("systemd"))) {
            for (Path unit : files.toList()) {
                Path copy = units.resolve(unit.getFileName());
                Files.writeString(
                        copy, Files.readString(unit).replace("/opt/ctstream/", home + "/"));
                command.add(copy.toString());
            }
        }
        Run verify = run(units, 60, command, Map.of());
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output())
                .as("systemd-analyze verify")
                .doesNotContain("Unknown", "ignoring", "rror");
    }

    /**
     * The archive, made now from the compiled classes by the same assembly execution as {@code mvn
     * package}'s (the launcher's tests run before its package phase in either build, so there is
     * never a fresher one to reuse).
     */
    private static Path buildArchive() throws IOException, InterruptedException {
        List<String> mvn =
                new ArrayList<>(
                        List.of(
                                "mvn",
                                "-B",
                                "-ntp",
                                "-q",
                                "-pl",
                                "launcher",
                                "-am",
                                "jar:jar",
                                "assembly:single@dist"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            mvn.add("-Dmaven.repo.local=" + repo);
        }
        Run build = run(ROOT, 600, mvn, Map.of());
        assertThat(build.exit()).as("archive build:\n" + build.output()).isZero();
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(
                            p -> p.getFileName().toString().matches("ctstream-.*-dist\\.tar\\.gz"))
                    .collect(onlyOne());
        }
    }

    private static Collector<Path, ?, Path> onlyOne() {
        return Collectors.collectingAndThen(
                Collectors.toList(),
                l -> {
                    assertThat(l).hasSize(1);
                    return l.get(0);
                });
    }

    private record Run(int exit, String output) {}

    private static Run run(
            Path dir, int timeoutSeconds, List<String> command, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile("ctstream-dist", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Run(
                        -1,
                        "timed out after "
                                + timeoutSeconds
                                + " s: "
                                + command
                                + "\n"
                                + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
