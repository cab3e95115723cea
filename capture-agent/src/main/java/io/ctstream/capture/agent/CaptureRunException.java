package io.ctstream.capture.agent;

import java.io.IOException;

/** The source failed (e.g. a corrupt capture file); everything before the failure was published. */
public final class CaptureRunException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient CaptureTotals totals;

    public CaptureRunException(IOException cause, CaptureTotals totals) {
        super(cause.getMessage(), cause);
        this.totals = totals;
    }

    public CaptureTotals totals() {
        return totals;
    }
}
