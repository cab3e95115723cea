package io.ctstream.capture.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/** Streams the frames of one capture file, in file order, with constant memory. */
public interface CaptureFileReader extends Closeable {

    /**
     * Reads the next frame into {@code frame}.
     *
     * @return false at the clean end of the file
     * @throws CaptureFileException when the file is truncated or corrupt at the current position
     * @throws IOException when the file cannot be read
     */
    boolean next(CapturedFrame frame) throws IOException;

    Path file();

    /** The file format, for messages: "pcap" or "pcapng". */
    String format();

    /** Bytes consumed so far (for progress). */
    long position();
}
