package io.ctstream.launcher.progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error is a terminal: a progress line redrawn in place is for a person, not a log
 * file or a pipe.
 */
public final class Terminal {
    private Terminal() {}

    /**
     * True when file descriptor 2 is a terminal. Java 17 has no isatty; on Linux {@code
     * /proc/self/fd/2} links to the terminal device ({@code /dev/pts/N}, {@code /dev/ttyN}).
     * Elsewhere: whether the JVM has a console (standard input and output are terminals), the
     * nearest the JDK offers.
     */
    public static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            return isTerminalDevice(Files.readSymbolicLink(fd).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/")
                || target.startsWith("/dev/tty")
                || target.equals("/dev/console");
    }
}
