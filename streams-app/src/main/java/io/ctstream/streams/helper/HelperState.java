package io.ctstream.streams.helper;

import java.io.DataOutput;
import java.io.IOException;

/**
 * What one helper remembers about one master beyond the channel core's own state (streams, framers,
 * live expectations): FTP's multi-line reply in progress and kernel newline trackers, for example.
 * Stored inside the control-channel state; {@link ConntrackHelper#readState} reads it back.
 */
public interface HelperState {

    /** The state of a helper that remembers nothing. */
    HelperState NONE = out -> {};

    void writeTo(DataOutput out) throws IOException;
}
