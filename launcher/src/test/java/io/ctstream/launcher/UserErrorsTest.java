package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.capture.file.PcapWriter;
import io.ctstream.embedded.junit.EmbeddedCluster;
import io.ctstream.launcher.errors.ExitCodes;
import io.ctstream.launcher.preflight.Preflight;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every user error of issue 19 through the real command line: the exit status, one message on
 * stderr that names the file, flag or address, no stack trace (unless --verbose), no flood of
 * client warnings, and a time bound (2 s for what is wrong with the invocation itself; the connect
 * timeout plus a margin for a service that does not answer). Ports 17991-17999 are ones nothing
 * listens on.
 */
@ExtendWith(EmbeddedCluster.class)
class UserErrorsTest {
    private static final String NO_KAFKA = "127.0.0.1:17991";
    private static final String NO_REGISTRY = "http://127.0.0.1:17992";
    private static final String NO_QUERY_API = "http://127.0.0.1:17993";
    private static final Path LAB = Path.of("..", "testdata", "lab", "ftp-passive.pcap");

    @TempDir static Path dir;
    static Path missing;
    static Path empty;
    static Path garbage;
    static Path wifi;
    static Path shortKey;
    static Path badConfig;

    @BeforeAll
    static void files() throws IOException {
        missing = dir.resolve("missing.pcap");
        empty = Files.createFile(dir.resolve("empty.pcap"));
        garbage =
                Files.writeString(
                        dir.resolve("garbage.pcap"), "GET / HTTP/1.1\r\nHost: example\r\n\r\n");
        wifi = dir.resolve("wifi.pcap");
        try (PcapWriter w = new PcapWriter(wifi, 105, 65535)) { // LINKTYPE_IEEE802_11
            w.write(0, new byte[40], 0, 40);
        }
        shortKey = Files.writeString(dir.resolve("keys"), "key.gw1.k1 = c2hvcnQ=\n");
        Files.setPosixFilePermissions(
                shortKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        badConfig =
                Files.writeString(
                        dir.resolve("client.properties"), "bootstrap.server=" + NO_KAFKA + "\n");
    }

    /** One row: what to run, the status, what stderr must name, and how long it may take. */
    record Case(
            String name,
            Supplier<String[]> args,
            int exitCode,
            Supplier<String[]> names,
            Duration within) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Supplier<String[]> args(String... a) {
        return () -> a;
    }

    private static String[] replay(Path pcap, String bootstrap, String registry, String... more) {
        String[] base = {
            "replay", "--sensor", "s1", "--pcap", pcap.toString(), "-b", bootstrap, "-r", registry
        };
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static final Duration INVOCATION = Duration.ofSeconds(2);
    private static final Duration UNREACHABLE =
            Duration.ofSeconds(2 + 4); // --connect-timeout 2, plus a margin

    static Stream<Arguments> cases() {
        return Stream.of(
                        new Case(
                                "replay: missing capture",
                                () -> replay(missing, NO_KAFKA, NO_REGISTRY),
                                ExitCodes.USAGE,
                                () -> new String[] {missing.toString(), "no such file"},
                                INVOCATION),
                        new Case(
                                "replay: empty capture",
                                () -> replay(empty, NO_KAFKA, NO_REGISTRY),
                                ExitCodes.USAGE,
                                () -> new String[] {empty.toString(), "is empty"},
                                INVOCATION),
                        new Case(
                                "replay: garbage capture",
                                () -> replay(garbage, NO_KAFKA, NO_REGISTRY),
                                ExitCodes.USAGE,
                                () -> new String[] {garbage.toString(), "neither pcap nor pcapng"},
                                INVOCATION),
                        new Case(
                                "replay: unsupported link type",
                                () -> replay(wifi, NO_KAFKA, NO_REGISTRY),
                                ExitCodes.USAGE,
                                () -> new String[] {wifi.toString(), "unsupported link type 105"},
                                INVOCATION),
                        // without -b, analyze would start an embedded broker and registry (about 40
                        // s) before this check
                        new Case(
                                "analyze: missing capture, before the embedded broker",
                                () -> new String[] {"analyze", "--pcap", missing.toString()},
                                ExitCodes.USAGE,
                                () -> new String[] {missing.toString(), "no such file"},
                                INVOCATION),
                        new Case(
                                "demo: a garbage capture in --captures, before the embedded broker",
                                () -> new String[] {"demo", "--captures", garbageDir().toString()},
                                ExitCodes.USAGE,
                                () -> new String[] {"garbage-dir", "neither pcap nor pcapng"},
                                INVOCATION),
                        new Case(
                                "analyze: garbage capture",
                                () -> new String[] {"analyze", "--pcap", garbage.toString()},
                                ExitCodes.USAGE,
                                () -> new String[] {garbage.toString(), "neither pcap nor pcapng"},
                                INVOCATION),
                        new Case(
                                "enforce: bad key file",
                                () ->
                                        new String[] {
                                            "enforce",
                                            "--gateway",
                                            "gw1",
                                            "--keys",
                                            shortKey.toString(),
                                            "-b",
                                            NO_KAFKA,
                                            "-r",
                                            NO_REGISTRY
                                        },
                                ExitCodes.USAGE,
                                () -> new String[] {shortKey + ":1", "at least 32"},
                                INVOCATION),
                        new Case(
                                "enforce: missing key file",
                                () ->
                                        new String[] {
                                            "enforce",
                                            "--gateway",
                                            "gw1",
                                            "--keys",
                                            missing.toString(),
                                            "-b",
                                            NO_KAFKA,
                                            "-r",
                                            NO_REGISTRY
                                        },
                                ExitCodes.USAGE,
                                () -> new String[] {"--keys " + missing + ": no such file"},
                                INVOCATION),
                        new Case(
                                "replay: unknown key in --config",
                                () ->
                                        replay(
                                                LAB,
                                                NO_KAFKA,
                                                NO_REGISTRY,
                                                "--config",
                                                badConfig.toString()),
                                ExitCodes.USAGE,
                                () ->
                                        new String[] {
                                            badConfig.toString(), "unknown key bootstrap.server"
                                        },
                                INVOCATION),
                        new Case(
                                "streams: unknown key in --set, before Kafka is tried",
                                args(
                                        "streams",
                                        "-b",
                                        NO_KAFKA,
                                        "-r",
                                        NO_REGISTRY,
                                        "--set",
                                        "helper.ftp.port=2121"),
                                ExitCodes.USAGE,
                                () ->
                                        new String[] {
                                            "--set helper.ftp.port=2121",
                                            "unknown key helper.ftp.port (did you mean helper.ftp.ports?)"
                                        },
                                INVOCATION),
                        new Case(
                                "replay: bad value of a ctstream key",
                                () ->
                                        replay(
                                                LAB,
                                                NO_KAFKA,
                                                NO_REGISTRY,
                                                "--set",
                                                "edge.payload-cap=lots"),
                                ExitCodes.USAGE,
                                () -> new String[] {"--set", "edge.payload-cap", "lots"},
                                INVOCATION),
                        new Case(
                                "replay: bad flag value",
                                () -> replay(LAB, NO_KAFKA, NO_REGISTRY, "--speed", "0"),
                                ExitCodes.USAGE,
                                () -> new String[] {"--speed must be > 0"},
                                INVOCATION),
                        new Case(
                                "replay: unknown option",
                                () -> replay(LAB, NO_KAFKA, NO_REGISTRY, "--sped", "2"),
                                ExitCodes.USAGE,
                                () -> new String[] {"Unknown option", "--sped", "--speed"},
                                INVOCATION),
                        new Case(
                                "streams: no Kafka given",
                                args("streams"),
                                ExitCodes.USAGE,
                                () -> new String[] {"--bootstrap-servers"},
                                INVOCATION),
                        new Case(
                                "query: nothing listening",
                                args("query", "counts", "--url", NO_QUERY_API),
                                ExitCodes.UNREACHABLE,
                                () -> new String[] {NO_QUERY_API, "connection refused"},
                                INVOCATION),
                        new Case(
                                "query: unknown query",
                                args("query", "everything", "--url", NO_QUERY_API),
                                ExitCodes.USAGE,
                                () -> new String[] {"unknown query 'everything'"},
                                INVOCATION),
                        new Case(
                                "replay: unreachable broker",
                                () ->
                                        replay(
                                                LAB,
                                                NO_KAFKA,
                                                EmbeddedCluster.schemaRegistryUrl(),
                                                "--connect-timeout",
                                                "2"),
                                ExitCodes.UNREACHABLE,
                                () ->
                                        new String[] {
                                            "Kafka at " + NO_KAFKA, "did not answer within 2 s"
                                        },
                                UNREACHABLE),
                        new Case(
                                "enforce: unreachable broker",
                                () ->
                                        new String[] {
                                            "enforce",
                                            "--gateway",
                                            "gw1",
                                            "--keys",
                                            goodKeys().toString(),
                                            "--dry-run",
                                            "-b",
                                            NO_KAFKA,
                                            "-r",
                                            EmbeddedCluster.schemaRegistryUrl(),
                                            "--connect-timeout",
                                            "2"
                                        },
                                ExitCodes.UNREACHABLE,
                                () -> new String[] {"Kafka at " + NO_KAFKA},
                                UNREACHABLE),
                        new Case(
                                "replay: unreachable registry",
                                () ->
                                        replay(
                                                LAB,
                                                EmbeddedCluster.bootstrapServers(),
                                                NO_REGISTRY,
                                                "--connect-timeout",
                                                "2"),
                                ExitCodes.UNREACHABLE,
                                () ->
                                        new String[] {
                                            "schema registry at " + NO_REGISTRY, "unreachable"
                                        },
                                UNREACHABLE),
                        new Case(
                                "streams: unreachable registry",
                                () ->
                                        new String[] {
                                            "streams",
                                            "-b",
                                            EmbeddedCluster.bootstrapServers(),
                                            "-r",
                                            NO_REGISTRY,
                                            "--connect-timeout",
                                            "2"
                                        },
                                ExitCodes.UNREACHABLE,
                                () -> new String[] {"schema registry at " + NO_REGISTRY},
                                UNREACHABLE))
                .map(Arguments::of);
    }

    private static Path garbageDir() {
        try {
            Path d = dir.resolve("garbage-dir");
            if (!Files.exists(d)) {
                Files.createDirectories(d);
                Files.copy(garbage, d.resolve("ftp-garbage.pcap"));
            }
            return d;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path goodKeys() {
        try {
            Path p = dir.resolve("good-keys");
            if (!Files.exists(p)) {
                Files.writeString(
                        p,
                        "key.gw1.k1 = " + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
                Files.setPosixFilePermissions(
                        p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
            return p;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What a run printed and how it ended. */
    record Run(int exitCode, String stderr, String stdout, Duration took) {}

    /**
     * Runs through the launcher's own command line; stderr is the command's writer and System.err
     * together.
     */
    static Run run(String... args) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
        ByteArrayOutputStream sysOut =
                new ByteArrayOutputStream(); // the tests' log appender writes here
        // System's streams first: picocli replaces a command's writers when System.err changed
        // after they were set
        System.setErr(new PrintStream(sysErr, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(sysOut, true, StandardCharsets.UTF_8));
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        long start = System.nanoTime();
        int code;
        try {
            CommandLine cl = CtstreamCommand.newCommandLine();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(out, true));
            code = cl.execute(args);
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String stderr = err + sysErr.toString(StandardCharsets.UTF_8);
        System.err.println(
                "> ctstream "
                        + String.join(" ", args)
                        + "\n  exit "
                        + code
                        + " in "
                        + took.toMillis()
                        + " ms\n"
                        + stderr.indent(2));
        return new Run(code, stderr, out + sysOut.toString(StandardCharsets.UTF_8), took);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aUserErrorIsOneClearLineQuickly(Case c) {
        String[] args = c.args().get();
        Run r = run(args);
        assertThat(r.exitCode()).as("exit status").isEqualTo(c.exitCode());
        for (String name : c.names().get()) {
            assertThat(r.stderr()).as("stderr names it").contains(name);
        }
        assertThat(r.stderr())
                .as("no stack trace")
                .doesNotContain("\tat ")
                .doesNotContain("Exception in thread");
        assertThat(r.stderr() + r.stdout())
                .as("no flood of client warnings")
                .matches(
                        s -> s.lines().filter(l -> l.contains(" WARN ")).count() <= 1,
                        "at most one WARN line");
        assertThat(r.took()).as("time to the error").isLessThan(c.within());
    }

    @Test
    void verboseAddsTheStackTrace() {
        Run r = run(replay(missing, NO_KAFKA, NO_REGISTRY, "--verbose"));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderr()).contains(missing + ": no such file").contains("\tat ");
        Run p = run("--verbose", "query", "counts", "--url", NO_QUERY_API);
        assertThat(p.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(p.stderr()).contains("java.net.ConnectException").contains("\tat ");
    }

    @Test
    void theConnectTimeoutIs15SecondsUnlessGiven() {
        ClientOptions options = new ClientOptions();
        new CommandLine(options).parseArgs();
        assertThat(options.connectTimeout())
                .isEqualTo(Duration.ofSeconds(15))
                .isEqualTo(Preflight.DEFAULT_CONNECT_TIMEOUT);
        new CommandLine(options).parseArgs("--connect-timeout", "3");
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        Run r = run(replay(LAB, NO_KAFKA, NO_REGISTRY, "--connect-timeout", "0"));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderr()).contains("--connect-timeout must be > 0");
    }

    /**
     * The lab capture with its last 7 bytes cut off: its last packet is cut short in the middle.
     */
    private static Path cutShort() throws IOException {
        byte[] all = Files.readAllBytes(LAB);
        return Files.write(
                dir.resolve("cut-" + System.nanoTime() + ".pcap"),
                Arrays.copyOf(all, all.length - 7));
    }

    private static long packets(Path pcap) throws IOException {
        long n = 0;
        try (CaptureFileReader r = CaptureFiles.open(pcap)) {
            CapturedFrame f = new CapturedFrame();
            while (r.next(f)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void replayOfACaptureCutShortReportsWhatWasReadThenWarns() throws IOException {
        Path cut = cutShort();
        long before = packets(LAB) - 1;
        String prefix = EmbeddedCluster.uniqueTopic("cut") + "-";
        Run missingTopic =
                run(
                        replay(
                                cut,
                                EmbeddedCluster.bootstrapServers(),
                                EmbeddedCluster.schemaRegistryUrl(),
                                "--topic-prefix",
                                prefix));
        assertThat(missingTopic.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missingTopic.stderr())
                .contains(
                        "has no topic "
                                + prefix
                                + "packets and does not create topics on first use");
        assertThat(missingTopic.took()).isLessThan(Duration.ofSeconds(10));
        EmbeddedCluster.createTopic(prefix + "packets", 1);
        Run r =
                run(
                        replay(
                                cut,
                                EmbeddedCluster.bootstrapServers(),
                                EmbeddedCluster.schemaRegistryUrl(),
                                "--topic-prefix",
                                prefix));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.TRUNCATED_INPUT);
        assertThat(r.stderr())
                .contains("captured " + before + " frames")
                .contains("published " + before + " packets");
        assertThat(r.stderr())
                .contains(cut + " appears to have been cut short in the middle of a packet");
        assertThat(r.stderr().indexOf("captured " + before))
                .as("the totals first, then the warning")
                .isLessThan(r.stderr().indexOf("cut short"));
        assertThat(r.stderr()).doesNotContain("\tat ");
    }

    @Test
    void analyzeOfACaptureCutShortWritesTheReportThenWarns() throws IOException {
        Path cut = cutShort();
        Path report = dir.resolve("report-cut.json");
        Run r =
                run(
                        "analyze",
                        "--pcap",
                        cut.toString(),
                        "--out",
                        report.toString(),
                        "-b",
                        EmbeddedCluster.bootstrapServers(),
                        "-r",
                        EmbeddedCluster.schemaRegistryUrl(),
                        "--partitions",
                        "2",
                        "--threads",
                        "1");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.TRUNCATED_INPUT);
        String json = Files.readString(report);
        assertThat(json)
                .contains("\"connections\"")
                .contains("cut short in the middle of a packet");
        assertThat(
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(json)
                                .path("connections")
                                .size())
                .isPositive();
        assertThat(r.stderr())
                .contains("report: ")
                .contains(cut + " appears to have been cut short in the middle of a packet");
        assertThat(r.stderr()).doesNotContain("\tat ");
    }
}
