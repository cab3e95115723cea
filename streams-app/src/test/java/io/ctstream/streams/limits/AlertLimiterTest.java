package io.ctstream.streams.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlertLimiterTest {
    private static final long SEC = 1_000_000L;
    private final AlertLimiter limiter = new AlertLimiter(10 * SEC);

    @Test
    void firstOverflowAlertsThenOnePerIntervalWithTheSuppressedCount() {
        AlertLimiter.State s = AlertLimiter.State.decode(null);
        AlertLimiter.Decision d = limiter.onEvent(s, 0, 1);
        assertThat(d.alert()).isTrue();
        assertThat(d.suppressedBefore()).isZero();
        for (int i = 1; i <= 5; i++) {
            d = limiter.onEvent(d.next(), i * SEC, 1);
            assertThat(d.alert()).isFalse();
        }
        d = limiter.onEvent(d.next(), 10 * SEC, 1);
        assertThat(d.alert()).isTrue();
        assertThat(d.suppressedBefore()).isEqualTo(5);
    }

    @Test
    void aThresholdWaitsForThatManyEventsInOneWindow() {
        AlertLimiter.State s = AlertLimiter.State.decode(null);
        AlertLimiter.Decision d = null;
        for (int i = 0; i < 3; i++) {
            d = limiter.onEvent(s, i * SEC, 4);
            s = d.next();
            assertThat(d.alert()).isFalse();
        }
        // A new window starts over: three more are still under the threshold.
        for (int i = 0; i < 3; i++) {
            d = limiter.onEvent(s, 20 * SEC + i, 4);
            s = d.next();
            assertThat(d.alert()).isFalse();
        }
        assertThat(limiter.onEvent(s, 20 * SEC + 3, 4).alert()).isTrue();
    }

    @Test
    void stateRoundTripsAndCorruptStateIsRefused() {
        AlertLimiter.State s = new AlertLimiter.State(1, 2, 3, 4);
        assertThat(AlertLimiter.State.decode(s.encode())).isEqualTo(s);
        assertThatThrownBy(() -> AlertLimiter.State.decode(new byte[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
