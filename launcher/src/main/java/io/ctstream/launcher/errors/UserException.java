package io.ctstream.launcher.errors;

/**
 * An error the user can fix (a bad file or option, a service that is not there): the command prints
 * its message, without a stack trace unless {@code --verbose}, and exits with {@link #exitCode()}.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public UserException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Bad input or a bad option: {@link ExitCodes#USAGE}. */
    public static UserException usage(String message) {
        return new UserException(ExitCodes.USAGE, message, null);
    }

    /** Bad input or a bad option, found through {@code cause}: {@link ExitCodes#USAGE}. */
    public static UserException usage(String message, Throwable cause) {
        return new UserException(ExitCodes.USAGE, message, cause);
    }

    /** A service that did not answer: {@link ExitCodes#UNREACHABLE}. */
    public static UserException unreachable(String message, Throwable cause) {
        return new UserException(ExitCodes.UNREACHABLE, message, cause);
    }
}
