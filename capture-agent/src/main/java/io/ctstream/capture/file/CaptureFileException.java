package io.ctstream.capture.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A capture file is truncated or corrupt. Names the file and the byte offset of the record (or
 * field) where reading stopped; every frame before that offset has already been delivered.
 */
public final class CaptureFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long offset;

    public CaptureFileException(Path file, long offset, String problem) {
        super(file + ": " + problem + " at byte offset " + offset);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
