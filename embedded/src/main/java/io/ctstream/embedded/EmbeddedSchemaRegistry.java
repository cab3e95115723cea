package io.ctstream.embedded;

import io.ctstream.embedded.process.ChildJvm;
import io.ctstream.embedded.process.ChildServer;
import io.ctstream.embedded.process.DataDirs;
import io.ctstream.embedded.process.FreePorts;
import io.ctstream.embedded.process.ParentWatchdog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry (Confluent-compatible API at {@code /apis/ccompat/v7}) in a child JVM.
 *
 * <p>The child's class path is the registry's runner jar plus a directory holding only {@link
 * ParentWatchdog}'s class file, so no ctstream jar leaks into Quarkus' class path. With a temporary
 * data directory the registry keeps schemas in memory (its default); with a given one it keeps them
 * in an H2 database file under {@code <dataDir>/h2/}, so they survive restarts. The global
 * compatibility level is set to BACKWARD after every start (Apicurio's default is NONE).
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Path dataDir;
    private final boolean temporary;
    private final int requestedPort;
    private final List<String> jvmArgs;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ChildServer server;
    private int port;
    private ApicurioDistribution distribution;

    /** A registry on a free port, schemas in memory. */
    public EmbeddedSchemaRegistry() {
        this(null, 0);
    }

    /**
     * @param dataDir where the registry keeps its database; {@code null}: in memory, temporary
     *     directory
     * @param port the HTTP port on 127.0.0.1; 0 for a free one
     */
    public EmbeddedSchemaRegistry(Path dataDir, int port) {
        this(dataDir, port, List.of("-Xms64m", "-Xmx512m"));
    }

    public EmbeddedSchemaRegistry(Path dataDir, int port, List<String> jvmArgs) {
        this.temporary = dataDir == null;
        this.dataDir = DataDirs.createOrTemp(dataDir, "ctstream-registry-");
        this.requestedPort = port;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.server =
                new ChildServer(
                        "the registry", port != 0, STOP_GRACE, Timeouts.ready(), new Lifecycle());
    }

    /** This server's steps of the shared child-JVM lifecycle. */
    private final class Lifecycle implements ChildServer.Server {
        @Override
        public void choosePorts() {
            port = FreePorts.orFree(requestedPort);
        }

        @Override
        public ChildJvm launch() {
            return ChildJvm.start(
                    "apicurio-registry",
                    List.of(writeWatchdogClass().toString(), distribution.runnerJar().toString()),
                    childJvmArgs(),
                    distribution.mainClass(),
                    List.of(),
                    dataDir.resolve("registry.log"));
        }

        @Override
        public void awaitReady(long deadlineNanos) throws InterruptedException {
            awaitHealthy(deadlineNanos);
            setGlobalCompatibility("BACKWARD", deadlineNanos);
        }
    }

    /**
     * Starts the registry, waits until {@code /health/ready} answers and sets compatibility
     * BACKWARD.
     */
    public synchronized EmbeddedSchemaRegistry start() {
        long t0 = System.nanoTime();
        distribution = ApicurioDistribution.installed();
        if (server.start()) {
            log.info(
                    "Apicurio Registry {} ready at {} in {} ms (pid {}, {})",
                    distribution.version(),
                    url(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                    server.child().pid(),
                    temporary ? "in memory" : "data " + dataDir);
        }
        return this;
    }

    /** The Confluent-compatible base URL, e.g. {@code http://127.0.0.1:N/apis/ccompat/v7}. */
    public synchronized String url() {
        return rootUrl() + CCOMPAT_PATH;
    }

    /** {@code http://127.0.0.1:N}: the registry's root (health, UI, native API). */
    public synchronized String rootUrl() {
        if (port == 0) {
            throw new IllegalStateException("the registry has not been started");
        }
        return "http://127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Whether schemas survive a restart (only with a given data directory). */
    public boolean isPersistent() {
        return !temporary;
    }

    public synchronized ProcessHandle process() {
        return server.child().handle();
    }

    public synchronized boolean isRunning() {
        return server.isRunning();
    }

    /** Graceful shutdown (SIGTERM), forcible after 20 s. */
    public synchronized void stop() {
        server.stop();
    }

    /** SIGKILL, as in a crash. */
    public synchronized void kill() {
        server.kill();
    }

    /** Stops and starts again on the same port (and, when persistent, with the same schemas). */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public synchronized void close() {
        stop();
        if (temporary) {
            DataDirs.deleteQuietly(dataDir);
        }
    }

    private List<String> childJvmArgs() {
        List<String> args = new ArrayList<>(jvmArgs);
        args.add("-Djava.awt.headless=true");
        args.add("-Dquarkus.http.host=127.0.0.1");
        args.add("-Dquarkus.http.port=" + port);
        // the registry's chatter at WARN (its properties read LOG_LEVEL / REGISTRY_LOG_LEVEL)
        args.add("-Dquarkus.log.level=WARN");
        args.add("-DLOG_LEVEL=WARN");
        args.add("-DREGISTRY_LOG_LEVEL=WARN");
        args.add("-Dquarkus.banner.enabled=false");
        // its prod profile opens 20 database connections up front; one node, few clients
        args.add("-Dquarkus.datasource.jdbc.initial-size=1");
        args.add("-Dquarkus.datasource.jdbc.min-size=1");
        args.add("-Djava.io.tmpdir=" + tmpDir());
        if (!temporary) {
            args.add(
                    "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:"
                            + dataDir.resolve("h2").resolve("registry"));
        }
        return args;
    }

    private Path tmpDir() {
        try {
            return Files.createDirectories(dataDir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies ParentWatchdog.class alone into {@code <dataDir>/watchdog-classes}, for the child's
     * class path.
     */
    private Path writeWatchdogClass() {
        Path root = dataDir.resolve("watchdog-classes");
        String resource = ParentWatchdog.class.getName().replace('.', '/') + ".class";
        Path target = root.resolve(resource);
        try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not found on the class path");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private void awaitHealthy(long deadline) throws InterruptedException {
        HttpRequest health =
                HttpRequest.newBuilder(URI.create(rootUrl() + "/health/ready"))
                        .timeout(Duration.ofSeconds(3))
                        .GET()
                        .build();
        server.await(
                deadline,
                "at " + rootUrl(),
                () -> {
                    HttpResponse<String> r =
                            http.send(health, HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 ? null : "HTTP " + r.statusCode() + " " + r.body();
                });
    }

    /**
     * Sets the global compatibility level. The first requests after {@code /health/ready} can be
     * slow (a cold JVM on a busy machine), so this retries until the start-up deadline.
     */
    private void setGlobalCompatibility(String level, long deadline) throws InterruptedException {
        HttpRequest put =
                HttpRequest.newBuilder(URI.create(url() + "/config"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", CONTENT_TYPE)
                        .header("Accept", CONTENT_TYPE)
                        .PUT(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"compatibility\":\"" + level + "\"}"))
                        .build();
        String last;
        do {
            try {
                HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode() + " " + r.body();
                if (r.statusCode() < 500) {
                    break; // the registry refused it: retrying will not help
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException(
                "setting the registry's global compatibility to "
                        + level
                        + " failed: "
                        + last
                        + "\n"
                        + server.child().logTail());
    }
}
