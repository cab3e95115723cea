package io.ctstream.launcher;

import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.launcher.preflight.Preflight;
import io.ctstream.launcher.progress.ProgressOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ctstream replay}: publishes the packets of pcap/pcapng files, like a sensor would have.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description =
                "Replay pcap/pcapng files into the packets topic (as fast as possible or at the recorded pace).")
public final class ReplayCommand implements Callable<Integer> {
    @Mixin ClientOptions client = new ClientOptions();

    @Mixin CaptureAgentOptions agent = new CaptureAgentOptions();

    @Option(
            names = "--pcap",
            required = true,
            arity = "1..*",
            paramLabel = "FILE",
            description = "Capture files, replayed in order.")
    List<Path> files;

    @ArgGroup(exclusive = true)
    Pace pace = new Pace();

    static final class Pace {
        @Option(
                names = "--speed",
                paramLabel = "X",
                description = "Recorded pace times X (e.g. 1 = real time, 10 = ten times faster).")
        Double speed;

        @Option(names = "--fast", description = "As fast as possible (the default).")
        boolean fast;
    }

    @Mixin ProgressOptions progress = new ProgressOptions();

    @Override
    public Integer call() {
        double speed = pace.speed == null ? 0 : pace.speed;
        if (pace.speed != null && speed <= 0) {
            throw UserException.usage("--speed must be > 0, got " + pace.speed);
        }
        // flags, files, then the services: every check before anything starts, the cheapest first
        CaptureAgentConfig config =
                agent.apply(client, CaptureAgentConfig.builder())
                        .replay(files, speed)
                        .progress(progress.show())
                        .build();
        Preflight.captureFiles(files);
        client.requireReachable(config.topic());
        return CaptureAgentRunner.run(config, agent.metrics);
    }
}
