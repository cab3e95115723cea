package io.ctstream.capture.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayProgressTest {
    @Test
    void showsPacketsRateAndEta() {
        String line = ReplayProgress.line(50_000, 250, 1000, 10.0);
        assertThat(line)
                .contains(" 25%")
                .contains("50,000 packets")
                .contains("5,000 packets/s")
                .contains("ETA 00:30");
        assertThat(line).startsWith("[#######.");
    }

    @Test
    void showsBytesReadOfTheTotal() {
        String line = ReplayProgress.line(1_000, 3L * 1024 * 1024 / 2, 6L * 1024 * 1024, 2.0);
        assertThat(line)
                .isEqualTo(
                        "[#######.......................]  25% 1.5 MiB of 6.0 MiB, 1,000 packets, 500 packets/s, ETA 00:06");
    }

    @Test
    void bytesInShortUnits() {
        assertThat(ReplayProgress.bytes(512)).isEqualTo("512 B");
        assertThat(ReplayProgress.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(ReplayProgress.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
    }

    @Test
    void unknownEtaBeforeAnyProgress() {
        assertThat(ReplayProgress.line(0, 0, 1000, 0)).contains("ETA --:--").contains("  0%");
    }
}
