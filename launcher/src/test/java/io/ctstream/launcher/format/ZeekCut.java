package io.ctstream.launcher.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only: what {@code zeek-cut} does with a Zeek ASCII log (zeek-aux is not packaged for Debian
 * 12): the {@code #separator} line (which must come first) gives the separator, {@code #fields} the
 * column names; other {@code #} lines are skipped; every data line is split on the separator and
 * the named columns are printed.
 */
final class ZeekCut {
    private ZeekCut() {}

    /**
     * The named columns of every record of {@code log}, as zeek-cut prints them (one list per
     * record).
     */
    static List<List<String>> cut(String log, String... columns) {
        String[] lines = log.split("\n", -1);
        if (!lines[0].startsWith("#separator ")) {
            throw new IllegalArgumentException(
                    "zeek-cut: the first line is not #separator: " + lines[0]);
        }
        String separator = unescape(lines[0].substring("#separator ".length()));
        Map<String, Integer> index = null;
        List<List<String>> out = new ArrayList<>();
        for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#fields" + separator)) {
                String[] names =
                        line.substring(("#fields" + separator).length())
                                .split(java.util.regex.Pattern.quote(separator), -1);
                index = new HashMap<>();
                for (int i = 0; i < names.length; i++) {
                    index.put(names[i], i);
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            if (index == null) {
                throw new IllegalArgumentException("zeek-cut: a record before #fields");
            }
            String[] values = line.split(java.util.regex.Pattern.quote(separator), -1);
            if (values.length != index.size()) {
                throw new IllegalArgumentException(
                        "zeek-cut: "
                                + values.length
                                + " values for "
                                + index.size()
                                + " fields: "
                                + line);
            }
            List<String> row = new ArrayList<>();
            for (String c : columns) {
                Integer i = index.get(c);
                if (i == null) {
                    throw new IllegalArgumentException("zeek-cut: no field " + c);
                }
                row.add(values[i]);
            }
            out.add(row);
        }
        return out;
    }

    /** The line after #separator, e.g. {@code \x09}. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\x", i) && i + 4 <= s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                b.append(s.charAt(i));
            }
        }
        return b.toString();
    }
}
