package io.ctstream.launcher;

import io.ctstream.embedded.EmbeddedStack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctstream up}: the embedded default. Starts a real single-node Kafka and a real Apicurio
 * registry (child JVMs, concurrently), prints where they are, and runs until Ctrl-C or SIGTERM,
 * then stops both cleanly. The children also end by themselves if this process is killed.
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a single-node Kafka (KRaft) and an Apicurio schema registry on 127.0.0.1 until Ctrl-C.",
            "Prints bootstrap.servers=... and schema.registry.url=... on stdout (logs go to stderr)."
        })
public final class UpCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(UpCommand.class);

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Keep Kafka's and the registry's data in DIR (kafka/, registry/) across restarts; "
                            + "default: temporary data, deleted on exit.")
    Path dataDir;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "Kafka's client port on 127.0.0.1 (default: 0, a free port).")
    int kafkaPort;

    @Option(
            names = "--registry-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "The registry's HTTP port on 127.0.0.1 (default: 0, a free port).")
    int registryPort;

    /** Where the two address lines go; System.out except in tests. */
    PrintStream out = System.out;

    private volatile boolean shuttingDown;

    @Override
    public Integer call() {
        EmbeddedStack stack = new EmbeddedStack(dataDir, kafkaPort, registryPort);
        Thread stopper =
                new Thread(
                        () -> {
                            shuttingDown = true;
                            log.info("stopping Kafka and the schema registry");
                            stack.close();
                            log.info("stopped");
                        },
                        "ctstream-up-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);

        stack.start();
        EmbeddedRegistryDefaults.apply(stack.schemaRegistryUrl());
        out.println("bootstrap.servers=" + stack.bootstrapServers());
        out.println("schema.registry.url=" + stack.schemaRegistryUrl());
        out.flush();
        log.info(
                "running; Ctrl-C stops{}",
                dataDir == null ? " (temporary data)" : " (data in " + dataDir + ")");

        // runs until a signal ends the JVM; a server that dies by itself ends the command with an
        // error
        CompletableFuture.anyOf(
                        stack.kafka().process().onExit(), stack.registry().process().onExit())
                .join();
        if (shuttingDown) {
            return 0;
        }
        String which = stack.kafka().isRunning() ? "the schema registry" : "Kafka";
        log.error(
                "{} exited unexpectedly; see its log under {}",
                which,
                stack.kafka().isRunning() ? stack.registry().dataDir() : stack.kafka().dataDir());
        return 1;
    }
}
