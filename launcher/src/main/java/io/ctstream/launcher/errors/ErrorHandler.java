package io.ctstream.launcher.errors;

import io.ctstream.capture.file.CaptureFileException;
import io.ctstream.capture.source.CaptureSetupException;
import io.ctstream.enforcement.nft.ForeignTableException;
import io.ctstream.registry.SchemaRegistryException;
import io.ctstream.streams.policy.PolicyException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How every command reports what went wrong: one line naming the file, option or address, on
 * stderr, and an exit status from {@link ExitCodes}. The stack trace only with {@code --verbose}: a
 * user error's trace says nothing the message does not, and buries it. Exceptions that are not
 * known user errors are still reported in one line, with a pointer to {@code --verbose} for the
 * trace.
 */
public final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /**
     * The option every command takes (added by the launcher where a command has none of its own).
     */
    public static final String VERBOSE = "--verbose";

    /** A mapped exception: what to print and the exit status. */
    record Report(int exitCode, String message, boolean known) {}

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(prefix(cmd) + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for its options.");
        if (verbose(args)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        Report r = map(ex);
        err.println(prefix(cmd) + r.message());
        if (verbose(parsed)) {
            ex.printStackTrace(err);
        } else if (!r.known()) {
            err.println(
                    prefix(cmd)
                            + "(an unexpected error: run again with "
                            + VERBOSE
                            + " for the stack trace)");
        }
        err.flush();
        return r.exitCode();
    }

    /**
     * Maps an exception (or the first known one in its cause chain) to a message and an exit
     * status.
     */
    static Report map(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Report r = known(t);
            if (r != null) {
                return r;
            }
            if (!(t instanceof ExecutionException
                    || t instanceof CompletionException
                    || t instanceof UncheckedIOException
                    || t instanceof KafkaException)) {
                break; // only look through wrappers: a cause of a real error may be misleading
                // alone
            }
        }
        return new Report(ExitCodes.FAILED, String.valueOf(ex), false);
    }

    private static Report known(Throwable t) {
        if (t instanceof UserException u) {
            return new Report(u.exitCode(), u.getMessage(), true);
        }
        if (t instanceof ForeignTableException f) { // --table names a table ctstream did not create
            return new Report(ExitCodes.USAGE, f.getMessage(), true);
        }
        if (t instanceof SchemaRegistryException s) {
            return new Report(
                    s.httpStatus() == SchemaRegistryException.NO_RESPONSE
                            ? ExitCodes.UNREACHABLE
                            : ExitCodes.FAILED,
                    s.getMessage(),
                    true);
        }
        if (t instanceof NoSuchFileException f) {
            return new Report(ExitCodes.USAGE, "no such file: " + f.getFile(), true);
        }
        if (t instanceof AccessDeniedException f) {
            return new Report(ExitCodes.USAGE, "permission denied: " + f.getFile(), true);
        }
        if (t instanceof TimeoutException) {
            // after the start-up probe: the broker went away, or a topic is missing ("not present
            // in metadata")
            return new Report(ExitCodes.UNREACHABLE, "Kafka: " + t.getMessage(), true);
        }
        if (t instanceof ConnectException || t instanceof HttpTimeoutException) {
            // the JDK's message names neither host nor port; callers that know the address wrap it
            // in a UserException
            return new Report(ExitCodes.UNREACHABLE, "cannot connect: " + t, true);
        }
        if (t instanceof CaptureFileException
                || t instanceof ConfigException
                || t instanceof PolicyException
                || t instanceof CaptureSetupException
                || t instanceof IllegalArgumentException) {
            // IllegalArgumentException: the components' configs and file loaders (key files,
            // capture checks) say
            // what is wrong with the input in it
            return new Report(ExitCodes.USAGE, t.getMessage(), true);
        }
        return null;
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    private static boolean verbose(String[] args) {
        for (String a : args) {
            if (VERBOSE.equals(a)) {
                return true;
            }
        }
        return false;
    }
}
