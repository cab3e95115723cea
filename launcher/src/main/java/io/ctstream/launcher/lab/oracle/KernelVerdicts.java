package io.ctstream.launcher.lab.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.launcher.lab.LabException;
import io.ctstream.launcher.lab.LabShell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what {@link KernelRecorder} saw ({@code conntrack -E} and {@code conntrack -E expect}
 * lines, gw's ruleset) into the reference lab's {@code <sc>.expect.json}: the kernel's expectations
 * with their outcome, the connections it confirmed, the RELATED ones and the new connections its
 * policy dropped (IPv4, FTP: what this lab runs).
 *
 * <p>The kernel's expectation events do not say why an expectation ended, and {@code conntrack -E}
 * stamps an event when it reads it: the expectation and connection events come through two sockets,
 * read in batches when the machine is busy, so their stamps cannot order them. The capture can: its
 * packets carry the kernel's own receive times. The k-th expectation of a master is the one its
 * k-th announcement (227, 229, PORT, EPRT in the capture) created; it was {@code fulfilled} by the
 * connection the kernel marked as expected (the forward chain's {@code ct mark 1}) with its tuple
 * whose first SYN came before the master's next announcement, else {@code evicted} by that next
 * announcement (the FTP helper keeps one expectation per master, and replaces one with the same
 * tuple), else {@code expired} after its timeout; {@code pending} when it was never destroyed. The
 * recording fails when the capture's announcements and the kernel's expectations do not pair up, or
 * an expected connection pairs with none.
 */
final class KernelVerdicts {
    private static final Pattern CONN =
            Pattern.compile(
                    "^\\[(\\d+\\.\\d+)]\\s+\\[(NEW|UPDATE|DESTROY)]\\s+ipv4\\s+2\\s+(tcp|udp)"
                            + "\\s+\\d+\\s+(?:\\d+\\s+)?(?:([A-Z_]+)\\s+)?src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+)");
    private static final Pattern MARK = Pattern.compile(" mark=(\\d+)");
    private static final Pattern HELPER = Pattern.compile(" helper=(\\w+)");
    private static final Pattern ID = Pattern.compile(" id=(\\d+)");
    private static final Pattern EXPECT =
            Pattern.compile(
                    "^\\[(\\d+\\.\\d+)]\\s+\\[(NEW|DESTROY)]\\s+(\\d+) proto=(?:6|17) src=(\\S+) dst=(\\S+)"
                            + " sport=\\d+ dport=(\\d+) mask-src=(\\S+) mask-dst=\\S+ sport=\\d+ dport=\\d+ master-src=(\\S+) master-dst=(\\S+)"
                            + " sport=(\\d+) dport=(\\d+).*? helper=(\\w+)");
    private static final Pattern EXPECT_PROTO = Pattern.compile(" proto=(\\d+) ");
    private static final Pattern DROPPED =
            Pattern.compile(
                    "(\\d+\\.\\d+\\.\\d+\\.\\d+) \\. (\\d+\\.\\d+\\.\\d+\\.\\d+) \\. (\\d+)");

    /** One packet as {@link #CAPTURE_FIELDS} lists it, tab-separated. */
    private static final Pattern TAB = Pattern.compile("\t");

    /** The tshark fields {@link #of} reads from the capture, in order. */
    static final List<String> CAPTURE_FIELDS =
            List.of(
                    "frame.time_epoch",
                    "ip.src",
                    "tcp.srcport",
                    "ip.dst",
                    "tcp.dstport",
                    "tcp.flags.syn",
                    "tcp.flags.ack",
                    "ftp.response.code",
                    "ftp.request.command",
                    "udp.srcport",
                    "udp.dstport",
                    "tftp.opcode");

    private static final ObjectMapper JSON = new ObjectMapper();

    private KernelVerdicts() {}

    private record Conn(
            long id,
            double firstSeen,
            String proto,
            String state,
            String src,
            int sport,
            String dst,
            int dport,
            int mark,
            String helper,
            List<String> states) {}

    private static final class Exp {
        final double created;
        final int timeout;
        final String src;
        final boolean anySrc;
        final String dst;
        final int dport;
        final String masterSrc;
        final String masterDst;
        final int masterSport;
        final int masterDport;
        final String helper;
        final String proto;
        Double destroyed;

        Exp(Matcher m) {
            created = Double.parseDouble(m.group(1));
            timeout = Integer.parseInt(m.group(3));
            src = m.group(4);
            dst = m.group(5);
            dport = Integer.parseInt(m.group(6));
            anySrc = m.group(7).equals("0.0.0.0");
            masterSrc = m.group(8);
            masterDst = m.group(9);
            masterSport = Integer.parseInt(m.group(10));
            masterDport = Integer.parseInt(m.group(11));
            helper = m.group(12);
            Matcher p = EXPECT_PROTO.matcher(m.group());
            proto = p.find() && p.group(1).equals("17") ? "udp" : "tcp";
        }

        boolean sameAs(Matcher m) {
            return src.equals(m.group(4))
                    && dst.equals(m.group(5))
                    && dport == Integer.parseInt(m.group(6))
                    && masterSport == Integer.parseInt(m.group(10))
                    && masterSrc.equals(m.group(8));
        }

        boolean sameMaster(Exp o) {
            return masterSrc.equals(o.masterSrc)
                    && masterDst.equals(o.masterDst)
                    && masterSport == o.masterSport
                    && masterDport == o.masterDport;
        }

        boolean expects(Conn c) {
            return proto.equals(c.proto)
                    && (anySrc || src.equals(c.src))
                    && dst.equals(c.dst)
                    && dport == c.dport;
        }
    }

    /**
     * The {@code expect.json} document; {@code meta} (scenario, description, transfer, note, ...)
     * goes first.
     *
     * @param capture the capture's TCP and UDP packets, one per line: the {@link #CAPTURE_FIELDS}
     *     tab-separated
     */
    static ObjectNode of(
            ObjectNode meta,
            String kernel,
            String conntrackEvents,
            String expectEvents,
            String ruleset,
            String capture) {
        Map<String, List<Double>> announcements = new LinkedHashMap<>();
        Map<String, Double> firstSyn = new LinkedHashMap<>();
        for (String line : capture.split("\n")) {
            String[] f = TAB.split(line, -1);
            if (f.length < CAPTURE_FIELDS.size()
                    || f[1].isEmpty()
                    || (f[2].isEmpty() && f[9].isEmpty())) {
                continue;
            }
            double t = Double.parseDouble(f[0]);
            boolean udp = f[2].isEmpty();
            String forward =
                    udp
                            ? f[1] + ":" + f[9] + ">" + f[3] + ":" + f[10]
                            : f[1] + ":" + f[2] + ">" + f[3] + ":" + f[4];
            if (udp || (f[5].equals("1") && f[6].equals("0"))) {
                // a connection's first packet: a TCP SYN, any UDP datagram
                firstSyn.putIfAbsent(forward, t);
            }
            if (udp) {
                // nf_conntrack_tftp: a read or write request, whatever follows
                if (f[11].equals("1") || f[11].equals("2")) {
                    announcements.computeIfAbsent(forward, k -> new ArrayList<>()).add(t);
                }
            } else if (f[7].equals("227") || f[7].equals("229")) {
                announcements
                        .computeIfAbsent(
                                f[3] + ":" + f[4] + ">" + f[1] + ":" + f[2], k -> new ArrayList<>())
                        .add(t);
            } else if (f[8].equals("PORT") || f[8].equals("EPRT")) {
                announcements.computeIfAbsent(forward, k -> new ArrayList<>()).add(t);
            }
        }

        Map<Long, Conn> conns = new LinkedHashMap<>();
        for (String line : conntrackEvents.split("\n")) {
            Matcher m = CONN.matcher(line.strip());
            Matcher id = ID.matcher(line);
            if (!m.find() || !id.find()) {
                continue;
            }
            long cid = Long.parseLong(id.group(1));
            String state = m.group(4);
            if (m.group(2).equals("NEW")) {
                Matcher mark = MARK.matcher(line);
                Matcher helper = HELPER.matcher(line);
                conns.put(
                        cid,
                        new Conn(
                                cid,
                                Double.parseDouble(m.group(1)),
                                m.group(3),
                                state,
                                m.group(5),
                                Integer.parseInt(m.group(7)),
                                m.group(6),
                                Integer.parseInt(m.group(8)),
                                mark.find() ? Integer.parseInt(mark.group(1)) : 0,
                                helper.find() ? helper.group(1) : null,
                                new ArrayList<>()));
            }
            Conn c = conns.get(cid);
            if (c != null
                    && state != null
                    && !m.group(2).equals("DESTROY")
                    && (c.states.isEmpty() || !c.states.get(c.states.size() - 1).equals(state))) {
                c.states.add(state);
            }
        }
        List<Exp> exps = new ArrayList<>();
        for (String line : expectEvents.split("\n")) {
            Matcher m = EXPECT.matcher(line.strip());
            if (!m.find()) {
                continue;
            }
            if (m.group(2).equals("NEW")) {
                exps.add(new Exp(m));
            } else {
                exps.stream()
                        .filter(e -> e.destroyed == null && e.sameAs(m))
                        .findFirst()
                        .ifPresent(e -> e.destroyed = Double.parseDouble(m.group(1)));
            }
        }

        ObjectNode doc = meta.deepCopy();
        doc.put("kernel", kernel);
        doc.put("helpers", "on");
        ArrayNode expectations = doc.putArray("expectations");
        ArrayNode related = JSON.createArrayNode();
        Map<Long, Integer> fulfilledBy = new LinkedHashMap<>();
        Map<String, Integer> nth = new LinkedHashMap<>();
        for (int i = 0; i < exps.size(); i++) {
            Exp e = exps.get(i);
            String master =
                    e.masterSrc + ":" + e.masterSport + ">" + e.masterDst + ":" + e.masterDport;
            int k = nth.merge(master, 1, Integer::sum) - 1;
            List<Double> anns = announcements.getOrDefault(master, List.of());
            if (k >= anns.size()) {
                throw new LabException(
                        "the kernel created "
                                + (k + 1)
                                + " expectations for "
                                + master
                                + " but the capture has "
                                + anns.size()
                                + " announcements on it");
            }
            double announced = anns.get(k);
            double next = k + 1 < anns.size() ? anns.get(k + 1) : Double.MAX_VALUE;
            ObjectNode x = expectations.addObject();
            x.put("helper", e.helper);
            tuple(
                    x.putObject("master"),
                    e.proto,
                    e.masterSrc,
                    e.masterSport,
                    e.masterDst,
                    e.masterDport);
            ObjectNode expected = x.putObject("expected");
            expected.put("proto", e.proto)
                    .put("l3", "ipv4")
                    .put("src", e.anySrc ? "*" : e.src)
                    .put("sport", "*")
                    .put("dst", e.dst)
                    .put("dport", e.dport);
            x.put("timeout", e.timeout);
            x.put("created", e.created);
            // a PORT/EPRT (original direction) expects a connection to the client, a 227/229 one to
            // the server; a
            // TFTP request one to the client
            x.put("direction", e.dst.equals(e.masterSrc) ? "original" : "reply");
            x.put("destroyed", e.destroyed);
            Conn by = null;
            String outcome;
            if (e.destroyed == null) {
                outcome = "pending";
            } else {
                by =
                        conns.values().stream()
                                .filter(
                                        c ->
                                                c.mark == 1
                                                        && !fulfilledBy.containsKey(c.id)
                                                        && e.expects(c))
                                .filter(
                                        c -> {
                                            Double syn =
                                                    firstSyn.get(
                                                            c.src + ":" + c.sport + ">" + c.dst
                                                                    + ":" + c.dport);
                                            return syn != null && syn >= announced && syn < next;
                                        })
                                .findFirst()
                                .orElse(null);
                if (by != null) {
                    outcome = "fulfilled";
                    fulfilledBy.put(by.id, i);
                } else if (next != Double.MAX_VALUE) {
                    outcome = "evicted";
                } else if (e.destroyed - e.created >= e.timeout - 1) {
                    outcome = "expired";
                } else {
                    outcome = "unfulfilled";
                }
            }
            x.put("outcome", outcome);
            if (by == null) {
                x.putNull("fulfilled_by");
            } else {
                x.put("fulfilled_by", by.id);
                ObjectNode r = related.addObject();
                r.put("id", by.id)
                        .put("first_seen", by.firstSeen)
                        .put("l3", "ipv4")
                        .put("proto", by.proto)
                        .put("src", by.src)
                        .put("sport", by.sport)
                        .put("dst", by.dst)
                        .put("dport", by.dport)
                        .put("mark", by.mark);
                by.states.forEach(r.putArray("states")::add);
                r.put("expectation", i);
                tuple(
                        r.putObject("master"),
                        e.proto,
                        e.masterSrc,
                        e.masterSport,
                        e.masterDst,
                        e.masterDport);
                r.put("helper", e.helper);
            }
        }
        long expected = conns.values().stream().filter(c -> c.mark == 1).count();
        if (expected != fulfilledBy.size()) {
            throw new LabException(
                    "the kernel confirmed "
                            + expected
                            + " expected connections, but only "
                            + fulfilledBy.size()
                            + " pair with an expectation in the capture");
        }
        doc.set("related_connections", related);
        ArrayNode connections = doc.putArray("connections");
        for (Conn c : conns.values()) {
            ObjectNode o = connections.addObject();
            o.put("id", c.id)
                    .put("l3", "ipv4")
                    .put("proto", c.proto)
                    .put("src", c.src)
                    .put("sport", c.sport)
                    .put("dst", c.dst)
                    .put("dport", c.dport)
                    .put("helper", c.helper)
                    .put("mark", c.mark)
                    .put("related", fulfilledBy.containsKey(c.id));
            c.states.forEach(o.putArray("states")::add);
            o.put("first_seen", c.firstSeen);
        }
        ArrayNode dropped = doc.putArray("dropped_new_connections");
        int set = ruleset.indexOf("set dropped_v4");
        if (set >= 0) {
            int end = ruleset.indexOf("chain", set);
            Matcher m = DROPPED.matcher(ruleset.substring(set, end < 0 ? ruleset.length() : end));
            while (m.find()) {
                dropped.addObject()
                        .put("src", m.group(1))
                        .put("dst", m.group(2))
                        .put("dport", Integer.parseInt(m.group(3)));
            }
        }
        // the FTP helper of this lab's scenarios drops nothing and logs nothing: the lists are
        // there for the format
        doc.putArray("helper_log");
        doc.putArray("kernel_log");
        return doc;
    }

    /**
     * The capture's TCP and UDP packets as {@link #of} reads them ({@code tshark}; its notices on
     * stderr are skipped there).
     */
    static String captureFields(Path pcap) {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "tshark",
                                "-n",
                                "-r",
                                pcap.toString(),
                                "-Y",
                                "tcp or udp",
                                "-T",
                                "fields",
                                "-E",
                                "separator=/t"));
        for (String f : CAPTURE_FIELDS) {
            cmd.add("-e");
            cmd.add(f);
        }
        return LabShell.run(cmd.toArray(String[]::new));
    }

    private static void tuple(
            ObjectNode t, String proto, String src, int sport, String dst, int dport) {
        t.put("proto", proto)
                .put("l3", "ipv4")
                .put("src", src)
                .put("sport", sport)
                .put("dst", dst)
                .put("dport", dport);
    }
}
