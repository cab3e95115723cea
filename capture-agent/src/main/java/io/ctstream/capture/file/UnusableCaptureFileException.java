package io.ctstream.capture.file;

import java.nio.file.Path;

/**
 * A capture file cannot be replayed at all (missing, empty, not a capture, corrupt at the start).
 */
public final class UnusableCaptureFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnusableCaptureFileException(Path file, String problem) {
        super("capture file " + file + ": " + problem);
    }

    UnusableCaptureFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
