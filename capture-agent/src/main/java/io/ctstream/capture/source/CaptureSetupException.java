package io.ctstream.capture.source;

/**
 * A live capture could not start: no permission, unknown interface, bad filter, unsupported link
 * type.
 */
public final class CaptureSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CaptureSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
