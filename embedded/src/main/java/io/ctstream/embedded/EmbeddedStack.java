package io.ctstream.embedded;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Kafka and the schema registry together, started concurrently (each is a child JVM of its own, so
 * starting both takes about as long as the slower one).
 */
public final class EmbeddedStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;

    /** Both on free ports with temporary data. */
    public EmbeddedStack() {
        this(new EmbeddedKafka(), new EmbeddedSchemaRegistry());
    }

    /**
     * @param dataDir parent of {@code kafka/} and {@code registry/}; {@code null} for temporary
     *     data
     * @param kafkaPort 0 for a free port
     * @param registryPort 0 for a free port
     */
    public EmbeddedStack(Path dataDir, int kafkaPort, int registryPort) {
        this(
                new EmbeddedKafka(dataDir == null ? null : dataDir.resolve("kafka"), kafkaPort),
                new EmbeddedSchemaRegistry(
                        dataDir == null ? null : dataDir.resolve("registry"), registryPort));
    }

    public EmbeddedStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Starts both concurrently; if one fails, stops the other and throws the failure. */
    public EmbeddedStack start() {
        try {
            both(kafka::start, registry::start);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedSchemaRegistry registry() {
        return registry;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return registry.url();
    }

    /** Stops both (concurrently) and deletes temporary data. */
    @Override
    public void close() {
        both(kafka::close, registry::close);
    }

    /**
     * Runs both on threads of their own (not the common pool: on a two-core machine it has a single
     * thread) and waits for both; rethrows the first failure.
     */
    private static void both(Runnable a, Runnable b) {
        ExecutorService threads =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "ctstream-embedded-stack");
                            t.setDaemon(true);
                            return t;
                        });
        try {
            CompletableFuture<Void> fa = CompletableFuture.runAsync(a, threads);
            CompletableFuture<Void> fb = CompletableFuture.runAsync(b, threads);
            // wait for both even when one fails, so that the caller finds a settled state
            CompletableFuture.allOf(fa.exceptionally(x -> null), fb.exceptionally(x -> null))
                    .join();
            fa.join();
            fb.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        } finally {
            threads.shutdown();
        }
    }
}
