package io.ctstream.launcher.format;

/** What {@code analyze --format} writes. */
public enum OutputFormat {
    /** The report, one pretty-printed JSON object (the default). */
    JSON,
    /**
     * JSON Lines: one object per connection, expectation (refused announcements included) and
     * alert.
     */
    JSONL,
    /** Zeek-style logs: conn.log and expectations.log in the --out directory. */
    ZEEK,
    /**
     * {@code conntrack -L}-style lines: the connections, then the expectations as {@code conntrack
     * -L expect}.
     */
    TABLE
}
