package io.ctstream.launcher.progress;

import picocli.CommandLine.Option;

/**
 * {@code --quiet}: the progress display of replays and analyses, which is shown only when stderr is
 * a terminal.
 */
public final class ProgressOptions {
    @Option(
            names = {"--quiet", "--no-progress"},
            description =
                    "No progress display (shown only when stderr is a terminal: bytes read of the total, packets/s, ETA).")
    boolean quiet;

    public boolean quiet() {
        return quiet;
    }

    /** Whether to draw progress: not --quiet, and stderr is a terminal. */
    public boolean show() {
        return !quiet && Terminal.stderrIsTerminal();
    }
}
