package io.ctstream.streams.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.internal.TrackerProgress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrackerProgressReporterTest {
    private static final long T0 = 1_795_314_068_000_000L;

    @Test
    void reportsAfterARecordOncePacketsMovedEventTimeOnByAStep() {
        TrackerProgressReporter r = new TrackerProgressReporter(2, 4, 0);
        assertThat(r.afterRecord()).as("nothing processed yet").isEmpty();
        r.onPacket(T0, 0);
        assertThat(r.afterRecord()).contains(new TrackerProgress(2, 4, T0, false));
        r.onPacket(T0 + TrackerProgressReporter.STEP_MICROS - 1, 1);
        assertThat(r.afterRecord()).as("less than a step").isEmpty();
        r.onPacket(T0 + TrackerProgressReporter.STEP_MICROS, 2);
        assertThat(r.afterRecord())
                .map(TrackerProgress::getEventTimeMicros)
                .contains(T0 + TrackerProgressReporter.STEP_MICROS);
        r.onPacket(T0, 3);
        assertThat(r.latestMicros())
                .as("an older packet does not move progress back")
                .isEqualTo(T0 + TrackerProgressReporter.STEP_MICROS);
    }

    @Test
    void theWallClockBeatReportsAnyProgressThenIdlenessOnce() {
        TrackerProgressReporter r = new TrackerProgressReporter(0, 1, 1_000);
        assertThat(r.onWallClock(1_200))
                .as("a task without packets still says it exists")
                .contains(new TrackerProgress(0, 1, -1L, false));
        assertThat(r.onWallClock(1_400)).isEmpty();
        r.onPacket(T0, 1_500);
        assertThat(r.onWallClock(1_600)).map(TrackerProgress::getEventTimeMicros).contains(T0);
        assertThat(r.onWallClock(1_500 + TrackerProgressReporter.IDLE_AFTER_MILLIS - 1)).isEmpty();
        Optional<TrackerProgress> idle =
                r.onWallClock(1_500 + TrackerProgressReporter.IDLE_AFTER_MILLIS);
        assertThat(idle).contains(new TrackerProgress(0, 1, T0, true));
        assertThat(r.onWallClock(1_500 + 3 * TrackerProgressReporter.IDLE_AFTER_MILLIS))
                .as("once")
                .isEmpty();
        r.onPacket(T0 + 1, 20_000);
        assertThat(r.afterRecord())
                .as("a packet after idleness reports at once")
                .contains(new TrackerProgress(0, 1, T0 + 1, false));
    }
}
