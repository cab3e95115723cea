package io.ctstream.verdict;

/** A key file that cannot be used, with the file, line or entry at fault in the message. */
public final class KeyringException extends IllegalArgumentException {
    public KeyringException(String message) {
        super(message);
    }

    public KeyringException(String message, Throwable cause) {
        super(message, cause);
    }
}
