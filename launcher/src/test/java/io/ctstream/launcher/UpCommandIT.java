package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code ctstream up} as a separate process, as a user would, and checks what issue 2 asks:
 * kcat lists the broker, the registry answers /subjects, Ctrl-C (SIGINT) leaves no process behind.
 */
class UpCommandIT {

    @TempDir Path dir;

    private Process up;

    @AfterEach
    void killLeftovers() {
        if (up != null && up.isAlive()) {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
    }

    @Test
    void upServesKafkaAndTheRegistryUntilCtrlCAndLeavesNoProcess() throws Exception {
        String kcat = requireKcat();
        Path stderr = dir.resolve("up.stderr");
        // the launcher's own logging config (logs on stderr), not the test one the test class path
        // would pick
        up =
                new ProcessBuilder(
                                javaExecutable(),
                                "-Xmx256m",
                                "-Dlogback.configurationFile=logback.xml",
                                "-cp",
                                System.getProperty("java.class.path"),
                                CtstreamCommand.class.getName(),
                                "up",
                                "--data-dir",
                                dir.resolve("data").toString())
                        .redirectError(stderr.toFile())
                        .start();
        Map<String, String> printed = readAddressLines(up, stderr);
        String bootstrap = printed.get("bootstrap.servers");
        String registry = printed.get("schema.registry.url");
        assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(registry).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");

        String metadata = run(kcat, "-L", "-b", bootstrap, "-m", "30");
        assertThat(metadata).contains("1 brokers:").contains("broker 1 at " + bootstrap);

        HttpResponse<String> subjects =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(registry + "/subjects"))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(subjects.statusCode()).isEqualTo(200);
        // the registry it made itself is BACKWARD, so that no component warns about NONE
        // (EmbeddedRegistryDefaults)
        HttpResponse<String> config =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(registry + "/config"))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(config.body()).contains("BACKWARD");

        List<ProcessHandle> descendants = up.descendants().collect(Collectors.toList());
        assertThat(descendants)
                .as("the broker and the registry run as child processes")
                .hasSizeGreaterThanOrEqualTo(2);

        run("kill", "-INT", String.valueOf(up.pid()));

        assertThat(up.waitFor(90, TimeUnit.SECONDS)).as("ctstream up exits on SIGINT").isTrue();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(descendants).noneMatch(ProcessHandle::isAlive));
        assertThat(Files.readString(stderr)).contains("stopped");
    }

    /** Reads stdout until both lines are printed (on a thread: readLine blocks). */
    private static Map<String, String> readAddressLines(Process process, Path stderr)
            throws IOException {
        Map<String, String> printed = new ConcurrentHashMap<>();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader in =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = in.readLine()) != null) {
                                    int eq = line.indexOf('=');
                                    if (eq > 0) {
                                        printed.put(line.substring(0, eq), line.substring(eq + 1));
                                    }
                                }
                            } catch (IOException e) {
                                // the process ended
                            }
                        },
                        "up-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(180))
                    .until(() -> !process.isAlive() || printed.size() >= 2);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("ctstream up printed no addresses in time; stderr:\n" + Files.readString(stderr));
        }
        if (printed.size() < 2) {
            fail(
                    "ctstream up exited ("
                            + process.exitValue()
                            + ") before printing both addresses; stdout "
                            + printed
                            + "; stderr:\n"
                            + Files.readString(stderr));
        }
        return printed;
    }

    /** kcat is a required test tool (Debian package kcat); CI installs it. */
    private static String requireKcat() {
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Paths.get(dirName, "kcat");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail(
                "kcat is not installed, and this test checks `ctstream up` with it: "
                        + "apt-get install -y kcat (Debian package kcat)");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(List.of(command) + " finished").isTrue();
        assertThat(p.exitValue())
                .as(String.join(" ", command) + " exit code; output:\n" + output)
                .isZero();
        return output;
    }

    private static String javaExecutable() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}
