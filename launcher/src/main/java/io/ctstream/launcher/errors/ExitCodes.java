package io.ctstream.launcher.errors;

/** The exit statuses of every {@code ctstream} command (listed in the launcher's README). */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;

    /** The run failed, or lost records (dropped, refused by the broker), or found nothing. */
    public static final int FAILED = 1;

    /**
     * Bad invocation or bad input: an option, a file (capture, key, policy, config), a config key.
     * Nothing ran.
     */
    public static final int USAGE = 2;

    /**
     * A capture was cut short in the middle of a packet: what came before it was processed and
     * reported.
     */
    public static final int TRUNCATED_INPUT = 3;

    /** Kafka, the schema registry or a query API did not answer in time. Nothing ran. */
    public static final int UNREACHABLE = 4;

    private ExitCodes() {}
}
