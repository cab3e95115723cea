package io.ctstream.capture.source;

import io.ctstream.capture.file.CapturedFrame;

/**
 * Receives the frames of a source, one at a time, on the source's thread. The frame is reused after
 * return.
 */
@FunctionalInterface
public interface FrameSink {
    void accept(CapturedFrame frame);
}
