package io.ctstream.streams.helper.stream;

/** What the reassembler delivers, in stream order. */
public sealed interface StreamEvent {

    /** Contiguous bytes starting at sequence number {@code seq}. */
    record Data(long seq, byte[] bytes) implements StreamEvent {}

    /**
     * {@code length} bytes starting at {@code seq} are lost for good (window overflow, truncated
     * capture).
     */
    record Gap(long seq, long length) implements StreamEvent {}
}
