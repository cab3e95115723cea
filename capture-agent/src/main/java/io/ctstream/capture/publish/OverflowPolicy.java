package io.ctstream.capture.publish;

/** What capture does when the publish queue is full. */
public enum OverflowPolicy {
    /** Wait for room: replay of a file, where the source can be paused and nothing must be lost. */
    BLOCK,
    /** Drop the packet and count it (QUEUE_FULL): live capture, which cannot be paused. */
    DROP
}
