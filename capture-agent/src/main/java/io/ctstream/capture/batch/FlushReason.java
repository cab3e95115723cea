package io.ctstream.capture.batch;

/**
 * Why a flow's batch was published when it was. Every flushed batch is counted under one of these.
 */
public enum FlushReason {
    /** It reached {@code --batch-packets} packets. */
    SIZE,
    /** One more packet would have taken the record over {@link FlowBatcher#MAX_RECORD_BYTES}. */
    BYTES,
    /**
     * Its first packet was {@code --batch-micros} older than the newest packet (or, live, than the
     * wall clock).
     */
    AGE,
    /** A packet of the flow carries helper payload: the batch, then that packet, go at once. */
    HELPER_PAYLOAD,
    /** Too many open batches (or too many bytes in them): the eldest goes first. */
    OPEN_BOUND,
    /** End of the replay, or the agent stopping. */
    SHUTDOWN
}
