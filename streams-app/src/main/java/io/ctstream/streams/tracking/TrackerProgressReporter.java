package io.ctstream.streams.tracking;

import io.ctstream.avro.internal.TrackerProgress;
import java.util.Optional;

/**
 * When a tracker task tells the matcher how far it has got (see the matcher's {@code
 * TrackerWatermarks}): after a packets record that moved its latest packet timestamp on by at least
 * {@link #STEP_MICROS} of event time, and on a wall-clock beat whenever it moved at all. A task
 * that has had no packets for {@link #IDLE_AFTER_MILLIS} of wall clock says so once, so that the
 * matcher stops waiting for a partition that carries no traffic; its next packet makes it report
 * progress again. Progress goes out after the records the task wrote before it, on the same
 * partitions, so the matcher has them when it reads the progress.
 */
final class TrackerProgressReporter {
    /**
     * Event time between two reports while packets flow: a decision waits at most this much longer.
     */
    static final long STEP_MICROS = 100_000;

    static final long IDLE_AFTER_MILLIS = 5_000;

    private final int source;
    private final int sources;
    private long latestMicros = -1;
    private long reportedMicros = Long.MIN_VALUE;
    private long lastPacketWallMillis;
    private boolean reportedIdle;

    /**
     * The last report said idle: the matcher is not waiting for this task until it reports again.
     */
    private boolean lastReportIdle;

    /**
     * @param source this task's partition of the packets topic
     * @param sources partitions of the packets topic, 0 when not known
     */
    TrackerProgressReporter(int source, int sources, long nowWallMillis) {
        this.source = source;
        this.sources = sources;
        this.lastPacketWallMillis = nowWallMillis;
    }

    void onPacket(long timestampMicros, long nowWallMillis) {
        latestMicros = Math.max(latestMicros, timestampMicros);
        lastPacketWallMillis = nowWallMillis;
        reportedIdle = false;
    }

    /** A report due after a record, if its packets moved event time on enough. */
    Optional<TrackerProgress> afterRecord() {
        if (latestMicros >= 0
                && (reportedMicros == Long.MIN_VALUE
                        || lastReportIdle
                        || latestMicros - reportedMicros >= STEP_MICROS)) {
            return Optional.of(report(false));
        }
        return Optional.empty();
    }

    /** A report due on the wall-clock beat: any progress since the last one, or idleness, once. */
    Optional<TrackerProgress> onWallClock(long nowWallMillis) {
        if (latestMicros > reportedMicros || reportedMicros == Long.MIN_VALUE) {
            return Optional.of(report(false));
        }
        if (!reportedIdle && nowWallMillis - lastPacketWallMillis >= IDLE_AFTER_MILLIS) {
            reportedIdle = true;
            return Optional.of(report(true));
        }
        return Optional.empty();
    }

    long latestMicros() {
        return latestMicros;
    }

    private TrackerProgress report(boolean idle) {
        reportedMicros = latestMicros;
        lastReportIdle = idle;
        return new TrackerProgress(source, sources, latestMicros, idle);
    }
}
