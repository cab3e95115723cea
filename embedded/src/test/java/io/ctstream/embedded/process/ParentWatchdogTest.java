package io.ctstream.embedded.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParentWatchdogTest {

    @TempDir Path dir;

    @Test
    void childExitsWhenItsStdinCloses() throws Exception {
        // what the child sees when the parent dies, even by kill -9: EOF on the stdin pipe
        Path logFile = dir.resolve("child.log");
        ChildJvm child =
                ChildJvm.start(
                        "sleeper",
                        ChildJvm.currentClassPath(),
                        List.of("-Xmx32m"),
                        Sleeper.class.getName(),
                        List.of(),
                        logFile);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                Files.exists(logFile)
                                        && Files.readString(logFile).contains("sleeping"));
        assertThat(child.isAlive()).isTrue();

        ProcessHandle handle = child.handle();
        child.closeStdin(); // no signal: only the pipe closes

        assertThat(handle.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(child.exitCode()).contains(3);
        assertThat(Files.readString(logFile)).contains("parent process gone");
    }

    @Test
    void stopEndsTheChildGracefully() {
        ChildJvm child =
                ChildJvm.start(
                        "sleeper",
                        ChildJvm.currentClassPath(),
                        List.of("-Xmx32m"),
                        Sleeper.class.getName(),
                        List.of(),
                        dir.resolve("child2.log"));
        child.stop(Duration.ofSeconds(20));
        assertThat(child.isAlive()).isFalse();
    }

    @Test
    void toolRunsReportTheirExitCode() {
        ChildJvm child =
                ChildJvm.start(
                        "no-such-main",
                        ChildJvm.currentClassPath(),
                        List.of("-Xmx32m"),
                        "io.ctstream.NoSuchMain",
                        List.of(),
                        dir.resolve("child3.log"));
        assertThat(child.waitFor(Duration.ofSeconds(30))).isNotZero();
        assertThat(child.logTail()).contains("ClassNotFoundException");
    }
}
