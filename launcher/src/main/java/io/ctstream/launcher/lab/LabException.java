package io.ctstream.launcher.lab;

/**
 * The lab could not be set up or a lab command failed; the message names the command and its
 * output.
 */
public final class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
