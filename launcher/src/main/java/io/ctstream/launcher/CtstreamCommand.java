package io.ctstream.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ctstream} command: each subcommand starts one component or tool. */
@Command(name = "ctstream",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Connection tracking with FTP/IRC helpers, as netfilter's conntrack, on Kafka Streams.",
        subcommands = {
                CommandLine.HelpCommand.class,
                DemoCommand.class,
                UpCommand.class,
                StreamsCommand.class,
                QueryCommand.class,
                AnalyzeCommand.class,
                EnforceCommand.class,
                ReplayCommand.class,
                CaptureCommand.class,
                SynthCommand.class,
        })
public final class CtstreamCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The command line with the project's defaults; tests execute commands through this. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new CtstreamCommand())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }
}
