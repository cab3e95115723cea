package io.ctstream.launcher;

import io.ctstream.launcher.errors.ErrorHandler;
import io.ctstream.launcher.scratch.ScratchDirectories;
import io.ctstream.launcher.verdict.VerdictCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code ctstream} command: each subcommand starts one component or tool. */
@Command(
        name = "ctstream",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description =
                "Connection tracking with FTP/IRC helpers, as netfilter's conntrack, on Kafka Streams.")
public final class CtstreamCommand implements Runnable {
    /**
     * The subcommands by name, in the order {@code --help} lists them. Registered in code rather
     * than in the annotation so that {@link #main} builds only the one it runs: picocli's model of
     * every subcommand (their options, mixins and converters load most of the components' classes)
     * cost over a second of a cold start.
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("help", CommandLine.HelpCommand.class);
        m.put("demo", DemoCommand.class);
        m.put("up", UpCommand.class);
        m.put("streams", StreamsCommand.class);
        m.put("query", QueryCommand.class);
        m.put("analyze", AnalyzeCommand.class);
        m.put("config", ConfigCommand.class);
        m.put("enforce", EnforceCommand.class);
        m.put("verdict", VerdictCommand.class);
        m.put("replay", ReplayCommand.class);
        m.put("capture", CaptureCommand.class);
        m.put("synth", SynthCommand.class);
        m.put("lab-record", LabRecordCommand.class);
        return m;
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        ScratchDirectories.sweep(); // what a killed run left in the temporary directory
        System.exit(newCommandLine(args).execute(args));
    }

    /**
     * The command line with the project's defaults; tests execute commands through this. Errors are
     * reported by {@link ErrorHandler} (one line, an exit status of {@link
     * io.ctstream.launcher.errors.ExitCodes}); every command takes {@code --verbose}, which adds
     * the stack trace.
     */
    public static CommandLine newCommandLine() {
        return newCommandLine(new String[0]);
    }

    /**
     * As {@link #newCommandLine()}, with only the subcommand {@code args} start with when they name
     * one (the others are never loaded); with every subcommand otherwise (no arguments, {@code
     * --help}, {@code help}, a typo).
     */
    public static CommandLine newCommandLine(String[] args) {
        CommandLine cl = new CommandLine(new CtstreamCommand());
        String first = args.length > 0 ? args[0] : "";
        if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
            cl.addSubcommand(first, SUBCOMMANDS.get(first));
        } else {
            SUBCOMMANDS.forEach(cl::addSubcommand);
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        addVerbose(cl);
        ErrorHandler errors = new ErrorHandler();
        return cl.setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
    }

    /**
     * Adds --verbose to {@code cl} and its subcommands where they have none of their own (demo has
     * one).
     */
    private static void addVerbose(CommandLine cl) {
        if (!cl.getCommandSpec().optionsMap().containsKey(ErrorHandler.VERBOSE)) {
            cl.getCommandSpec()
                    .addOption(
                            OptionSpec.builder(ErrorHandler.VERBOSE)
                                    .type(boolean.class)
                                    .description("On an error, also print its stack trace.")
                                    .build());
        }
        cl.getSubcommands().values().forEach(CtstreamCommand::addVerbose);
    }
}
