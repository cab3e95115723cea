package io.ctstream.launcher;

import io.ctstream.launcher.errors.ErrorHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

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
                io.ctstream.launcher.verdict.VerdictCommand.class,
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

    /**
     * The command line with the project's defaults; tests execute commands through this. Errors are reported
     * by {@link ErrorHandler} (one line, an exit status of {@link io.ctstream.launcher.errors.ExitCodes}); every
     * command takes {@code --verbose}, which adds the stack trace.
     */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new CtstreamCommand())
                .setCaseInsensitiveEnumValuesAllowed(true);
        addVerbose(cl);
        ErrorHandler errors = new ErrorHandler();
        return cl.setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
    }

    /** Adds --verbose to {@code cl} and its subcommands where they have none of their own (demo has one). */
    private static void addVerbose(CommandLine cl) {
        if (!cl.getCommandSpec().optionsMap().containsKey(ErrorHandler.VERBOSE)) {
            cl.getCommandSpec().addOption(OptionSpec.builder(ErrorHandler.VERBOSE)
                    .type(boolean.class)
                    .description("On an error, also print its stack trace.")
                    .build());
        }
        cl.getSubcommands().values().forEach(CtstreamCommand::addVerbose);
    }
}
