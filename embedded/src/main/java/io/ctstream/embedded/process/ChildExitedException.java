package io.ctstream.embedded.process;

/** A server's child JVM ended while it was starting; the message carries the tail of its log. */
public final class ChildExitedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String logTail;

    public ChildExitedException(String message, String logTail) {
        super(message + "\n" + logTail);
        this.logTail = logTail;
    }

    /**
     * Whether the server could not bind its port: a free port picked by {@link FreePorts} can be
     * taken by another process before the child binds it.
     */
    public boolean isPortClash() {
        return logTail.contains("Address already in use")
                || logTail.contains("in use by another process");
    }
}
