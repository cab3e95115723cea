package io.ctstream.capture.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A capture file is truncated or corrupt. Names the file and the byte offset of the record (or
 * field) where reading stopped; every frame before that offset has already been delivered. {@link
 * #truncated()} tells a file that simply ends early (a capture copied while still being written, a
 * full disk: tshark's "cut short in the middle of a packet") from one whose bytes are wrong.
 */
public final class CaptureFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long offset;
    private final boolean truncated;

    /** The file's bytes are wrong at {@code offset} (corrupt, not a capture, unsupported). */
    public CaptureFileException(Path file, long offset, String problem) {
        this(file, offset, problem, false);
    }

    private CaptureFileException(Path file, long offset, String problem, boolean truncated) {
        super(file + ": " + problem + " at byte offset " + offset);
        this.file = file;
        this.offset = offset;
        this.truncated = truncated;
    }

    /** The file ends in the middle of the record (or header) that starts at {@code offset}. */
    public static CaptureFileException truncated(Path file, long offset, String problem) {
        return new CaptureFileException(file, offset, problem, true);
    }

    /**
     * True when the file just ends early: every complete record before {@link #offset()} was read.
     */
    public boolean truncated() {
        return truncated;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
