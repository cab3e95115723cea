package io.ctstream.launcher.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Linux kernel concluded about one traffic-lab scenario, read from the lab's files: {@code
 * <sc>.expect.json} (expectations, RELATED connections, connections, dropped new connections, the
 * helpers' own messages) and {@code <sc>.ct-table.txt} (per-direction packet counters at the end).
 *
 * @param helperMessages what the kernel's helpers said, one entry per message, without the module
 *     prefix: the NFLOG drop reasons of {@code nf_ct_ftp} ("partial matching of `PORT'") and the
 *     dmesg lines of {@code nf_conntrack_irc} ("Forged DCC command from 10.77.1.2:
 *     10.77.1.99:40003")
 */
record KernelOracle(
        String scenario,
        boolean helpersOn,
        Set<String> connections,
        Set<String> droppedNew,
        Map<String, long[]> packetCounts,
        List<String> expectations,
        Set<String> related,
        List<String> helperMessages) {

    private static final Pattern HELPER_DROP =
            Pattern.compile("^nf_ct_\\w+: dropping packet: (.*)$");
    private static final Pattern KERNEL_LOG =
            Pattern.compile("^\\[\\s*[\\d.]+\\] nf_conntrack_\\w+: (.*)$");

    static final Path LAB = Path.of("..", "testdata", "lab");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CT_LINE =
            Pattern.compile(
                    "^ipv[46]\\s+\\d+\\s+(\\w+)\\s+\\d+\\s+\\d+\\s+(?:\\w+\\s+)?src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) packets=(\\d+) bytes=\\d+"
                            + ".*?src=\\S+ dst=\\S+ sport=\\d+ dport=\\d+ packets=(\\d+) bytes=\\d+");

    static List<String> scenarios() throws IOException {
        try (var files = Files.list(LAB)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".pcap") && !n.endsWith(".egress.pcap"))
                    .map(n -> n.substring(0, n.length() - ".pcap".length()))
                    .sorted()
                    .toList();
        }
    }

    static Path pcap(String scenario) {
        return LAB.resolve(scenario + ".pcap");
    }

    static KernelOracle load(String scenario) throws IOException {
        JsonNode d = JSON.readTree(LAB.resolve(scenario + ".expect.json").toFile());
        boolean helpers = "on".equals(d.path("helpers").asText("on"));
        Set<String> conns = new LinkedHashSet<>();
        for (JsonNode c : d.path("connections")) {
            conns.add(tuple(c));
        }
        // The kernel confirms (and reports NEW for) a connection only when its first packet is
        // accepted; the connections the policy dropped were tracked too, just never confirmed. The
        // lab lists them by source, destination and destination port (each retransmitted SYN once).
        Set<String> dropped = new LinkedHashSet<>();
        for (JsonNode c : d.path("dropped_new_connections")) {
            dropped.add(
                    withoutSourcePort(
                            c.path("src").asText(),
                            c.path("dst").asText(),
                            c.path("dport").asText()));
        }
        List<String> exps = new ArrayList<>();
        for (JsonNode e : d.path("expectations")) {
            exps.add(expectation(e));
        }
        Set<String> related = new LinkedHashSet<>();
        for (JsonNode r : d.path("related_connections")) {
            related.add(tuple(r));
        }
        List<String> messages = new ArrayList<>();
        for (JsonNode h : d.path("helper_log")) {
            Matcher m = HELPER_DROP.matcher(h.path("prefix").asText());
            if (m.matches()) {
                messages.add(m.group(1));
            }
        }
        for (JsonNode line : d.path("kernel_log")) {
            Matcher m = KERNEL_LOG.matcher(line.asText());
            if (m.matches()) {
                messages.add(m.group(1));
            }
        }
        return new KernelOracle(
                scenario, helpers, conns, dropped, packetCounts(scenario), exps, related, messages);
    }

    /** "tcp 10.77.1.2:45898 > 10.77.2.2:21" */
    static String tuple(JsonNode t) {
        String proto = t.path("proto").asText();
        return proto
                + " "
                + t.path("src").asText()
                + ":"
                + t.path("sport").asText()
                + " > "
                + t.path("dst").asText()
                + ":"
                + t.path("dport").asText();
    }

    /** "10.77.2.4 > 10.77.1.99:40100" */
    static String withoutSourcePort(String src, String dst, String dport) {
        return src + " > " + dst + ":" + dport;
    }

    /** The same for a report tuple. */
    static String withoutSourcePort(JsonNode t) {
        return withoutSourcePort(
                t.path("src").asText(), t.path("dst").asText(), t.path("dport").asText());
    }

    /** "ftp reply master=<tuple> expected=<tuple> outcome" */
    static String expectation(JsonNode e) {
        return e.path("helper").asText()
                + " "
                + e.path("direction").asText()
                + " master="
                + tuple(e.path("master"))
                + " expected="
                + tuple(e.path("expected"))
                + " "
                + e.path("outcome").asText();
    }

    private static Map<String, long[]> packetCounts(String scenario) throws IOException {
        Map<String, long[]> out = new HashMap<>();
        Path table = LAB.resolve(scenario + ".ct-table.txt");
        if (!Files.exists(table)) {
            return out;
        }
        for (String line : Files.readAllLines(table)) {
            Matcher m = CT_LINE.matcher(line.trim());
            if (m.find()) {
                String key =
                        m.group(1)
                                + " "
                                + m.group(2)
                                + ":"
                                + m.group(4)
                                + " > "
                                + m.group(3)
                                + ":"
                                + m.group(5);
                out.put(key, new long[] {Long.parseLong(m.group(6)), Long.parseLong(m.group(7))});
            }
        }
        return out;
    }
}
