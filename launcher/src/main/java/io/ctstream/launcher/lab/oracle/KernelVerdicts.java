package io.ctstream.launcher.lab.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.launcher.lab.LabException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what {@link KernelRecorder} saw ({@code conntrack -E} and {@code conntrack -E expect} lines, gw's ruleset)
 * into the reference lab's {@code <sc>.expect.json}: the kernel's expectations with their outcome, the connections
 * it confirmed, the RELATED ones and the new connections its policy dropped (IPv4, FTP: what this lab runs).
 *
 * <p>The kernel's expectation events do not say why an expectation ended; as the reference lab's
 * {@code normalize.py} does, the outcome is read from what happened at that moment: {@code fulfilled} when a
 * connection marked as expected (the forward chain's {@code ct mark 1}) with the expected tuple was confirmed
 * at the moment of the DESTROY, {@code evicted} when the same master created an expectation right after it (the
 * FTP helper keeps one per master, and replaces one with the same tuple); the lab's clients space their steps
 * 0.3 s apart so these moments cannot be confused, {@code expired} after its timeout, {@code pending} when it was never destroyed.
 */
final class KernelVerdicts {
    private static final Pattern CONN = Pattern.compile("^\\[(\\d+\\.\\d+)]\\s+\\[(NEW|UPDATE|DESTROY)]\\s+ipv4\\s+2\\s+(tcp|udp)"
            + "\\s+\\d+\\s+(?:\\d+\\s+)?(?:([A-Z_]+)\\s+)?src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+)");
    private static final Pattern MARK = Pattern.compile(" mark=(\\d+)");
    private static final Pattern HELPER = Pattern.compile(" helper=(\\w+)");
    private static final Pattern ID = Pattern.compile(" id=(\\d+)");
    private static final Pattern EXPECT = Pattern.compile("^\\[(\\d+\\.\\d+)]\\s+\\[(NEW|DESTROY)]\\s+(\\d+) proto=6 src=(\\S+) dst=(\\S+)"
            + " sport=\\d+ dport=(\\d+) mask-src=(\\S+) mask-dst=\\S+ sport=\\d+ dport=\\d+ master-src=(\\S+) master-dst=(\\S+)"
            + " sport=(\\d+) dport=(\\d+).*? helper=(\\w+)");
    private static final Pattern DROPPED = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+) \\. (\\d+\\.\\d+\\.\\d+\\.\\d+) \\. (\\d+)");
    /** How soon after an expectation's DESTROY the connection that fulfilled it is confirmed (event delivery). */
    private static final double FULFIL_WINDOW = 0.05;
    /** How close in time an eviction's DESTROY and its successor's NEW are. */
    private static final double EVICT_WINDOW = 0.001;

    private static final ObjectMapper JSON = new ObjectMapper();

    private KernelVerdicts() {
    }

    private record Conn(long id, double firstSeen, String state, String src, int sport, String dst, int dport, int mark,
                        String helper, List<String> states) {
    }

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
        }

        boolean sameAs(Matcher m) {
            return src.equals(m.group(4)) && dst.equals(m.group(5)) && dport == Integer.parseInt(m.group(6))
                    && masterSport == Integer.parseInt(m.group(10)) && masterSrc.equals(m.group(8));
        }

        boolean sameMaster(Exp o) {
            return masterSrc.equals(o.masterSrc) && masterDst.equals(o.masterDst) && masterSport == o.masterSport
                    && masterDport == o.masterDport;
        }

        boolean expects(Conn c) {
            return (anySrc || src.equals(c.src)) && dst.equals(c.dst) && dport == c.dport;
        }
    }

    /** The {@code expect.json} document; {@code meta} (scenario, description, transfer, note, ...) goes first. */
    static ObjectNode of(ObjectNode meta, String kernel, String conntrackEvents, String expectEvents, String ruleset) {
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
                conns.put(cid, new Conn(cid, Double.parseDouble(m.group(1)), state, m.group(5), Integer.parseInt(m.group(7)),
                        m.group(6), Integer.parseInt(m.group(8)), mark.find() ? Integer.parseInt(mark.group(1)) : 0,
                        helper.find() ? helper.group(1) : null, new ArrayList<>()));
            }
            Conn c = conns.get(cid);
            if (c != null && state != null && !m.group(2).equals("DESTROY")
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
                exps.stream().filter(e -> e.destroyed == null && e.sameAs(m)).findFirst()
                        .ifPresent(e -> e.destroyed = Double.parseDouble(m.group(1)));
            }
        }

        ObjectNode doc = meta.deepCopy();
        doc.put("kernel", kernel);
        doc.put("helpers", "on");
        ArrayNode expectations = doc.putArray("expectations");
        ArrayNode related = JSON.createArrayNode();
        Map<Long, Integer> fulfilledBy = new LinkedHashMap<>();
        for (int i = 0; i < exps.size(); i++) {
            Exp e = exps.get(i);
            ObjectNode x = expectations.addObject();
            x.put("helper", e.helper);
            tuple(x.putObject("master"), e.masterSrc, e.masterSport, e.masterDst, e.masterDport);
            ObjectNode expected = x.putObject("expected");
            expected.put("proto", "tcp").put("l3", "ipv4").put("src", e.anySrc ? "*" : e.src).put("sport", "*")
                    .put("dst", e.dst).put("dport", e.dport);
            x.put("timeout", e.timeout);
            x.put("created", e.created);
            // a PORT/EPRT (original direction) expects a connection to the client, a 227/229 one to the server
            x.put("direction", e.dst.equals(e.masterSrc) ? "original" : "reply");
            x.put("destroyed", e.destroyed);
            Conn by = null;
            String outcome;
            if (e.destroyed == null) {
                outcome = "pending";
            } else {
                double at = e.destroyed;
                // an eviction's DESTROY and its successor's NEW come from one helper call: microseconds apart in the
                // expectation events, which one reader stamps; a fulfilment is checked against the connection events,
                // which another reader stamps, hence the wider window on both sides
                boolean successor = exps.stream().anyMatch(o -> o != e && o.sameMaster(e)
                        && o.created >= at && o.created - at <= EVICT_WINDOW);
                by = successor ? null : conns.values().stream()
                        .filter(c -> c.mark == 1 && !fulfilledBy.containsKey(c.id) && e.expects(c)
                                && Math.abs(c.firstSeen - at) <= FULFIL_WINDOW)
                        .min(java.util.Comparator.comparingDouble(c -> Math.abs(c.firstSeen - at))).orElse(null);
                if (successor) {
                    outcome = "evicted";
                } else if (by != null) {
                    outcome = "fulfilled";
                    fulfilledBy.put(by.id, i);
                } else if (at - e.created >= e.timeout - 1) {
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
                r.put("id", by.id).put("first_seen", by.firstSeen).put("l3", "ipv4").put("proto", "tcp").put("src", by.src)
                        .put("sport", by.sport).put("dst", by.dst).put("dport", by.dport).put("mark", by.mark);
                by.states.forEach(r.putArray("states")::add);
                r.put("expectation", i);
                tuple(r.putObject("master"), e.masterSrc, e.masterSport, e.masterDst, e.masterDport);
                r.put("helper", e.helper);
            }
        }
        long expected = conns.values().stream().filter(c -> c.mark == 1).count();
        if (expected != fulfilledBy.size()) {
            throw new LabException("the kernel confirmed " + expected + " expected connections, but only " + fulfilledBy.size()
                    + " can be told apart as fulfilling an expectation: the events are too close in time to read");
        }
        doc.set("related_connections", related);
        ArrayNode connections = doc.putArray("connections");
        for (Conn c : conns.values()) {
            ObjectNode o = connections.addObject();
            o.put("id", c.id).put("l3", "ipv4").put("proto", "tcp").put("src", c.src).put("sport", c.sport)
                    .put("dst", c.dst).put("dport", c.dport).put("helper", c.helper).put("mark", c.mark)
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
                dropped.addObject().put("src", m.group(1)).put("dst", m.group(2)).put("dport", Integer.parseInt(m.group(3)));
            }
        }
        // the FTP helper of this lab's scenarios drops nothing and logs nothing: the lists are there for the format
        doc.putArray("helper_log");
        doc.putArray("kernel_log");
        return doc;
    }

    private static void tuple(ObjectNode t, String src, int sport, String dst, int dport) {
        t.put("proto", "tcp").put("l3", "ipv4").put("src", src).put("sport", sport).put("dst", dst).put("dport", dport);
    }
}
