package io.ctstream.capture.batch;

/** Where finished records go (the publisher's bounded queue). */
public interface RecordSink {
    /**
     * One record: key and value bytes, the record timestamp (epoch ms) and how many packets it
     * carries. Returns false when it was dropped (counted by the sink, in packets).
     */
    boolean submit(byte[] key, byte[] value, long timestampMillis, int packets);

    /**
     * Packets that were decoded but could not be encoded (a bug, not an input): counted and
     * dropped.
     */
    void dropUnencodable(RuntimeException e, int packets);
}
