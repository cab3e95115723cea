package io.ctstream.streams.errors;

/**
 * A processor's refusal of a record that decoded but makes no sense (a malformed packet batch,
 * say): thrown before any state changes, so the processing exception handler dead-letters the
 * record's raw bytes under {@link #reason()} and the application goes on.
 */
public final class RejectedRecordException extends RuntimeException {
    private final String reason;

    /**
     * @param reason short, stable, low-cardinality reason (a metric tag and the dead-letter header)
     * @param message what exactly is wrong with this record
     */
    public RejectedRecordException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
