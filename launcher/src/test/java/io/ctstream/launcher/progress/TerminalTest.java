package io.ctstream.launcher.progress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** When the progress display is drawn: stderr a terminal device, and not --quiet. */
class TerminalTest {
    @Test
    void terminalDevicesAreTerminalsFilesAndPipesAreNot() {
        assertThat(Terminal.isTerminalDevice("/dev/pts/3")).isTrue();
        assertThat(Terminal.isTerminalDevice("/dev/tty1")).isTrue();
        assertThat(Terminal.isTerminalDevice("/tmp/log.txt")).isFalse();
        assertThat(Terminal.isTerminalDevice("pipe:[12345]")).isFalse();
        assertThat(Terminal.isTerminalDevice("/dev/null")).isFalse();
    }

    @Test
    void underTheTestRunnerStderrIsNoTerminal() {
        // surefire's forked JVM writes stderr to a pipe
        assertThat(Terminal.stderrIsTerminal()).isFalse();
        assertThat(new ProgressOptions().show()).isFalse();
    }

    @Test
    void quietTurnsItOff() {
        @CommandLine.Command(name = "x")
        class Cmd {
            @CommandLine.Mixin ProgressOptions progress = new ProgressOptions();
        }
        Cmd quiet = new Cmd();
        new CommandLine(quiet).parseArgs("--quiet");
        assertThat(quiet.progress.quiet()).isTrue();
        assertThat(quiet.progress.show()).isFalse();
        Cmd old = new Cmd();
        new CommandLine(old).parseArgs("--no-progress");
        assertThat(old.progress.quiet()).isTrue();
    }
}
