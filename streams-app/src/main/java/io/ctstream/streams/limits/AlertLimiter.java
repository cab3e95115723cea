package io.ctstream.streams.limits;

import java.nio.ByteBuffer;

/**
 * Rate limit for overflow alerts, in stream time, so that a flood gives one alert per subject and
 * interval instead of a flood of alerts. Pure; the caller keeps the {@link State} in a store.
 *
 * <p>Events are counted in fixed windows of one interval; an alert is raised once a window holds
 * {@code threshold} events and no alert was raised for the subject within the interval. Events past
 * the threshold that raise no alert are suppressed and reported by the next alert.
 */
public final class AlertLimiter {

    /**
     * Per subject: the current window, its events, the last alert's time and the suppressed count.
     */
    public record State(
            long windowStartMicros, long events, long lastAlertMicros, long suppressed) {
        static final State NONE = new State(Long.MIN_VALUE, 0, Long.MIN_VALUE, 0);

        public byte[] encode() {
            return ByteBuffer.allocate(32)
                    .putLong(windowStartMicros)
                    .putLong(events)
                    .putLong(lastAlertMicros)
                    .putLong(suppressed)
                    .array();
        }

        public static State decode(byte[] b) {
            if (b == null) {
                return NONE;
            }
            if (b.length != 32) {
                throw new IllegalArgumentException(
                        "corrupt alert limiter state: " + b.length + " bytes");
            }
            ByteBuffer in = ByteBuffer.wrap(b);
            return new State(in.getLong(), in.getLong(), in.getLong(), in.getLong());
        }
    }

    /**
     * What one event leads to: the state to keep, and whether to alert (with the count suppressed
     * before it).
     */
    public record Decision(State next, boolean alert, long suppressedBefore) {}

    private final long intervalMicros;

    public AlertLimiter(long intervalMicros) {
        this.intervalMicros = intervalMicros;
    }

    public Decision onEvent(State s, long nowMicros, long threshold) {
        long windowStart = s.windowStartMicros;
        long events = s.events;
        if (windowStart == Long.MIN_VALUE
                || nowMicros >= windowStart + intervalMicros
                || nowMicros < windowStart) {
            windowStart = nowMicros;
            events = 0;
        }
        events++;
        if (events < threshold) {
            return new Decision(
                    new State(windowStart, events, s.lastAlertMicros, s.suppressed), false, 0);
        }
        boolean due =
                s.lastAlertMicros == Long.MIN_VALUE
                        || nowMicros >= s.lastAlertMicros + intervalMicros
                        || nowMicros < s.lastAlertMicros;
        if (due) {
            return new Decision(new State(windowStart, events, nowMicros, 0), true, s.suppressed);
        }
        return new Decision(
                new State(windowStart, events, s.lastAlertMicros, s.suppressed + 1), false, 0);
    }
}
