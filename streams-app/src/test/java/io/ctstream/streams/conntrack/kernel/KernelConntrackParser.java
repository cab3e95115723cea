package io.ctstream.streams.conntrack.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the kernel's conntrack output of the traffic lab: {@code <scenario>.conntrack.txt}
 * (events) and {@code <scenario>.ct-table.txt} (the final table). Lines starting with '#' and blank
 * lines are skipped; a line that cannot be parsed raises an IllegalArgumentException naming the
 * line.
 *
 * <p>The event timestamp is printed {@code [%ld.%-6ld]}: the microseconds are left-justified, not
 * zero-padded, so {@code [1795313444.38723 ]} is .038723 s.
 */
public final class KernelConntrackParser {

    private static final Pattern EVENT =
            Pattern.compile("^\\[(\\d+)\\.(\\d+)\\s*]\\s+\\[(\\w+)]\\s+(.*)$");

    private KernelConntrackParser() {}

    public static List<KernelConntrackEntry> parseEvents(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), true, file.toString());
    }

    public static List<KernelConntrackEntry> parseTable(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), false, file.toString());
    }

    static List<KernelConntrackEntry> parse(List<String> lines, boolean events, String source) {
        List<KernelConntrackEntry> out = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                out.add(events ? parseEventLine(l) : parseEntry(l, 0, null));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        source + ":" + n + ": cannot parse '" + line + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    public static KernelConntrackEntry parseEventLine(String line) {
        Matcher m = EVENT.matcher(line.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an event line");
        }
        long micros = Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(m.group(2));
        return parseEntry(m.group(4), micros, m.group(3));
    }

    /** A table line, or the part of an event line after the event type. */
    public static KernelConntrackEntry parseEntry(String text, long micros, String event) {
        String[] tok = text.strip().split("\\s+");
        int i = 0;
        String l3 = tok[i++];
        i++; // l3 number
        String proto = tok[i++];
        int protoNumber = Integer.parseInt(tok[i++]);
        int timeout = -1; // DESTROY events print no timeout
        if (tok[i].chars().allMatch(Character::isDigit)) {
            timeout = Integer.parseInt(tok[i++]);
        }
        String state = null;
        if (!tok[i].contains("=") && !tok[i].startsWith("[")) {
            state = tok[i++];
        }
        List<Map<String, String>> tuples = new ArrayList<>();
        Map<String, String> rest = new LinkedHashMap<>();
        Set<String> flags = new LinkedHashSet<>();
        Map<String, String> current = null;
        for (; i < tok.length; i++) {
            String t = tok[i];
            if (t.startsWith("[") && t.endsWith("]")) {
                flags.add(t.substring(1, t.length() - 1));
                continue;
            }
            int eq = t.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("unexpected token " + t);
            }
            String k = t.substring(0, eq);
            String v = t.substring(eq + 1);
            if (k.equals("src")) {
                if (tuples.size() == 2) {
                    throw new IllegalArgumentException("more than two tuples");
                }
                current = new LinkedHashMap<>();
                tuples.add(current);
            }
            boolean tupleKey =
                    switch (k) {
                        case "src", "dst", "sport", "dport", "type", "code", "packets", "bytes" ->
                                true;
                        // ICMP tuples carry their own id; the last id= is the conntrack's
                        case "id" ->
                                proto.startsWith("icmp")
                                        && current != null
                                        && !current.containsKey("id");
                        default -> false;
                    };
            if (tupleKey && current != null) {
                current.put(k, v);
            } else {
                rest.put(k, v);
                current = null;
            }
        }
        if (tuples.size() != 2) {
            throw new IllegalArgumentException("expected two tuples, found " + tuples.size());
        }
        return new KernelConntrackEntry(
                micros,
                event,
                l3,
                proto,
                protoNumber,
                timeout,
                state,
                tuple(tuples.get(0)),
                tuple(tuples.get(1)),
                flags,
                Integer.parseInt(rest.getOrDefault("mark", "0")),
                rest.get("helper"),
                Long.parseLong(rest.getOrDefault("id", "0")));
    }

    private static KernelTuple tuple(Map<String, String> m) {
        boolean icmp = m.containsKey("type");
        int id = icmp ? Integer.parseInt(m.getOrDefault("id", "0")) : 0;
        return new KernelTuple(
                m.get("src"),
                m.get("dst"),
                icmp ? id : Integer.parseInt(m.getOrDefault("sport", "0")),
                icmp ? id : Integer.parseInt(m.getOrDefault("dport", "0")),
                icmp ? Integer.parseInt(m.get("type")) : -1,
                icmp ? Integer.parseInt(m.getOrDefault("code", "0")) : -1,
                Long.parseLong(m.getOrDefault("packets", "-1")),
                Long.parseLong(m.getOrDefault("bytes", "-1")));
    }
}
