package io.ctstream.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class DurationValueTest {

    @Test
    void parsesEachUnit() {
        assertThat(DurationValue.parse("k", "250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(DurationValue.parse("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationValue.parse("k", " 30 s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationValue.parse("k", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationValue.parse("k", "3H")).isEqualTo(Duration.ofHours(3));
        assertThat(DurationValue.parse("k", "5d")).isEqualTo(Duration.ofDays(5));
    }

    @Test
    void aBareNumberOrAnotherUnitIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> DurationValue.parse("conntrack.udp.timeout", "30"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("conntrack.udp.timeout")
                .hasMessageContaining("a whole number and a unit");
        assertThatThrownBy(() -> DurationValue.parse("k", "1.5s"))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> DurationValue.parse("k", "3w"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void formatsInTheLargestExactUnitAndParsesBack() {
        assertThat(DurationValue.format(Duration.ofDays(5))).isEqualTo("5d");
        assertThat(DurationValue.format(Duration.ofSeconds(300))).isEqualTo("5m");
        assertThat(DurationValue.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationValue.format(Duration.ofMillis(1))).isEqualTo("1ms");
        assertThat(DurationValue.format(Duration.ofNanos(5_000))).isEqualTo("5us");
        for (Duration d :
                new Duration[] {
                    Duration.ofDays(5), Duration.ofMillis(1500), Duration.ofNanos(7_000)
                }) {
            assertThat(DurationValue.parse("k", DurationValue.format(d))).isEqualTo(d);
        }
    }
}
