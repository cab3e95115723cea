package io.ctstream.streams.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A duration in a config file: a whole number and its unit, {@code us}, {@code ms}, {@code s},
 * {@code m}, {@code h} or {@code d} ({@code 30s}, {@code 5d}, {@code 500ms}). The unit is required:
 * the kernel's sysctls count seconds, Kafka's keys milliseconds, and a bare number would be read in
 * whichever the user did not mean.
 */
public final class DurationValue {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})\\s*(us|ms|s|m|h|d)");

    /**
     * Validates a key's value as a duration; the message names the key, the value and the format.
     */
    public static final ConfigDef.Validator VALIDATOR =
            new ConfigDef.Validator() {
                @Override
                public void ensureValid(String name, Object value) {
                    if (value != null) {
                        parse(name, value.toString());
                    }
                }

                @Override
                public String toString() {
                    return "number and unit: us, ms, s, m, h, d";
                }
            };

    private DurationValue() {}

    public static Duration parse(String key, String text) {
        Matcher m = FORMAT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(
                    key,
                    text,
                    "not a duration: give a whole number and a unit, us, ms, s, m, h or d"
                            + " (e.g. 30s)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "us" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /**
     * The shortest exact text of {@code d} in the largest unit that divides it ({@code 432000s} →
     * {@code 5d}).
     */
    public static String format(Duration d) {
        long us = d.toNanos() / 1000;
        long[] sizes = {86_400_000_000L, 3_600_000_000L, 60_000_000L, 1_000_000L, 1_000L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (us != 0 && us % sizes[i] == 0) {
                return us / sizes[i] + units[i];
            }
        }
        return us + "us";
    }
}
