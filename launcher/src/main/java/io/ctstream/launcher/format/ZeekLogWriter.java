package io.ctstream.launcher.format;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One log in Zeek's ASCII (TSV) format, as Zeek's own writer lays it out and {@code zeek-cut} reads
 * it: the {@code #separator} line first, {@code #set_separator}, {@code #empty_field}, {@code
 * #unset_field}, {@code #path}, {@code #open}, then {@code #fields} and {@code #types}, one
 * tab-separated line per record, {@code #close}. A value is {@code -} when unset and {@code
 * (empty)} when an empty string; a tab, a newline, a backslash or another non-printable byte in a
 * value is written {@code \xHH}, so every line keeps its columns.
 */
final class ZeekLogWriter {
    static final String UNSET = "-";
    static final String EMPTY = "(empty)";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);

    private final Writer out;
    private final int columns;

    /**
     * Writes the header.
     *
     * @param opened the {@code #open} time (seconds; Zeek reading a capture uses network time, so
     *     does this)
     */
    ZeekLogWriter(
            Writer out, String path, List<String> fields, List<String> types, BigDecimal opened)
            throws IOException {
        if (fields.size() != types.size()) {
            throw new IllegalArgumentException(
                    fields.size() + " fields but " + types.size() + " types");
        }
        this.out = out;
        this.columns = fields.size();
        out.write("#separator \\x09\n");
        out.write("#set_separator\t,\n");
        out.write("#empty_field\t" + EMPTY + "\n");
        out.write("#unset_field\t" + UNSET + "\n");
        out.write("#path\t" + path + "\n");
        out.write("#open\t" + stamp(opened) + "\n");
        out.write("#fields\t" + String.join("\t", fields) + "\n");
        out.write("#types\t" + String.join("\t", types) + "\n");
    }

    /**
     * One record: already-formatted values (use {@link #string}, {@link #time}, ...), one per
     * field.
     */
    void row(List<String> values) throws IOException {
        if (values.size() != columns) {
            throw new IllegalArgumentException(
                    values.size() + " values for " + columns + " fields");
        }
        out.write(String.join("\t", values));
        out.write('\n');
    }

    void close(BigDecimal closed) throws IOException {
        out.write("#close\t" + stamp(closed) + "\n");
        out.flush();
    }

    /** A string value: unset when null, {@code (empty)} when empty, escaped. */
    static String string(String s) {
        if (s == null) {
            return UNSET;
        }
        if (s.isEmpty()) {
            return EMPTY;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            // printable ASCII stays; the separator (tab), the escape character and everything else
            // is \xHH
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }

    /** A time or interval: seconds with microseconds, as Zeek writes them; unset when null. */
    static String time(BigDecimal seconds) {
        return seconds == null
                ? UNSET
                : seconds.setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }

    static String count(long n) {
        return Long.toString(n);
    }

    static String bool(boolean b) {
        return b ? "T" : "F";
    }

    private static String stamp(BigDecimal seconds) {
        long s = seconds == null ? 0 : seconds.longValue();
        return STAMP.format(Instant.ofEpochSecond(s));
    }
}
