package io.ctstream.enforcement.hold;

/**
 * The SYN hold cannot start: a missing library, missing privileges, a queue in use, iptables
 * failing.
 */
public final class HoldQueueException extends RuntimeException {
    public HoldQueueException(String message) {
        super(message);
    }
}
