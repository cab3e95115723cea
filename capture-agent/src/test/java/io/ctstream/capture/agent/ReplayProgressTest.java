package io.ctstream.capture.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayProgressTest {
    @Test
    void showsPacketsRateAndEta() {
        String line = ReplayProgress.line(50_000, 250, 1000, 10.0);
        assertThat(line).contains(" 25%").contains("50,000 packets").contains("5,000 packets/s").contains("ETA 00:30");
        assertThat(line).startsWith("[#######.");
    }

    @Test
    void unknownEtaBeforeAnyProgress() {
        assertThat(ReplayProgress.line(0, 0, 1000, 0)).contains("ETA --:--").contains("  0%");
    }
}
