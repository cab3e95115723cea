package io.ctstream.capture.publish;

/** Why a decoded packet did not reach Kafka. Every drop is counted under one of these. */
public enum DropReason {
    /** The bounded queue between capture and producer was full (live capture outran Kafka). */
    QUEUE_FULL,
    /** A decoded packet could not be encoded as a record (an encoder bug, logged). */
    SERIALIZATION_ERROR,
    /** The producer reported a failed send after its retries. */
    PRODUCER_ERROR,
    /** Still queued when shutdown gave up waiting. */
    SHUTDOWN
}
