package io.ctstream.launcher.scratch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary directories go when their run ends, and a killed run's at the next start. */
class ScratchDirectoriesTest {
    @TempDir Path tmp;

    /** A pid no process has: past the kernel's pid_max (at most 2^22). */
    private static final long DEAD = 4_194_304L + 17;

    @Test
    void sweepDeletesTheDirectoriesOfProcessesThatAreGone() throws Exception {
        Path killed =
                Files.createDirectories(tmp.resolve("ctstream-analyze-state-" + DEAD + "-123"));
        Files.writeString(killed.resolve("rocksdb.sst"), "x");
        Path mine =
                Files.createDirectories(
                        tmp.resolve(
                                "ctstream-analyze-state-"
                                        + ProcessHandle.current().pid()
                                        + "-456"));
        Path other =
                Files.createDirectories(
                        tmp.resolve("ctstream-kafka-789")); // not ours to judge: no pid in it
        assertThat(ScratchDirectories.sweep(tmp)).containsExactly(killed);
        assertThat(killed).doesNotExist();
        assertThat(mine).exists();
        assertThat(other).exists();
    }

    @Test
    void createNamesTheDirectoryAfterThisProcess() {
        Path dir = ScratchDirectories.create("test");
        try {
            assertThat(dir.getFileName().toString())
                    .startsWith("ctstream-test-" + ProcessHandle.current().pid() + "-");
            assertThat(dir).isDirectory();
        } finally {
            ScratchDirectories.delete(dir);
        }
        assertThat(dir).doesNotExist();
    }
}
