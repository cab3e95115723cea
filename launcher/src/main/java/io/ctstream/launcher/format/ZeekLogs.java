package io.ctstream.launcher.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.streams.json.JsonViews;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The report as Zeek-style logs: {@code conn.log} with the columns of Zeek's own (the field list of
 * {@code Conn::Info} in {@code base/protocols/conn/main.zeek}, in its order and with its types),
 * and {@code expectations.log} in the same style for what Zeek has no log of: every expectation a
 * helper created (and every announcement it refused, outcome {@code rejected}).
 *
 * <p>What ctstream does not measure is left unset ({@code -}), as Zeek leaves it: {@code
 * orig_bytes} and {@code resp_bytes} (payload bytes, from TCP sequence numbers; ctstream counts IP
 * bytes, which are {@code orig_ip_bytes} and {@code resp_ip_bytes}), {@code local_orig}/{@code
 * local_resp} (no local networks), and {@code tunnel_parents}. {@code uid} is {@code C} and the
 * connection id.
 */
public final class ZeekLogs {
    /** Zeek's conn.log columns, in Zeek's order. */
    public static final List<String> CONN_FIELDS =
            List.of(
                    "ts",
                    "uid",
                    "id.orig_h",
                    "id.orig_p",
                    "id.resp_h",
                    "id.resp_p",
                    "proto",
                    "service",
                    "duration",
                    "orig_bytes",
                    "resp_bytes",
                    "conn_state",
                    "local_orig",
                    "local_resp",
                    "missed_bytes",
                    "history",
                    "orig_pkts",
                    "orig_ip_bytes",
                    "resp_pkts",
                    "resp_ip_bytes",
                    "tunnel_parents",
                    "ip_proto");

    public static final List<String> CONN_TYPES =
            List.of(
                    "time",
                    "string",
                    "addr",
                    "port",
                    "addr",
                    "port",
                    "enum",
                    "string",
                    "interval",
                    "count",
                    "count",
                    "string",
                    "bool",
                    "bool",
                    "count",
                    "string",
                    "count",
                    "count",
                    "count",
                    "count",
                    "set[string]",
                    "count");

    public static final List<String> EXPECTATION_FIELDS =
            List.of(
                    "ts",
                    "id",
                    "master_uid",
                    "helper",
                    "proto",
                    "expected.orig_h",
                    "expected.orig_p",
                    "expected.resp_h",
                    "expected.resp_p",
                    "direction",
                    "timeout",
                    "outcome",
                    "closed",
                    "fulfilled_by_uid",
                    "mode",
                    "evidence",
                    "kernel_would_drop");
    public static final List<String> EXPECTATION_TYPES =
            List.of(
                    "time",
                    "string",
                    "string",
                    "string",
                    "enum",
                    "addr",
                    "port",
                    "addr",
                    "port",
                    "string",
                    "interval",
                    "string",
                    "time",
                    "string",
                    "string",
                    "string",
                    "bool");

    private ZeekLogs() {}

    /** conn.log of {@code connections} (the report's, or a query's list). */
    public static void conn(JsonNode connections, Writer out) throws IOException {
        Map<String, JsonNode> byId = new HashMap<>();
        connections.forEach(c -> byId.put(c.path("id").asText(), c));
        ZeekLogWriter log =
                new ZeekLogWriter(
                        out, "conn", CONN_FIELDS, CONN_TYPES, earliest(connections, "first_seen"));
        for (JsonNode c : connections) {
            log.row(connRow(c, byId));
        }
        log.close(latest(connections, "last_seen"));
    }

    static List<String> connRow(JsonNode c, Map<String, JsonNode> byId) {
        JsonNode orig = c.path("orig");
        String proto = orig.path("proto").asText();
        BigDecimal first = c.path("first_seen").decimalValue();
        BigDecimal duration = c.path("last_seen").decimalValue().subtract(first);
        long origPackets = c.path("orig_packets").asLong();
        long replyPackets = c.path("reply_packets").asLong();
        List<String> v = new ArrayList<>(CONN_FIELDS.size());
        v.add(ZeekLogWriter.time(first));
        v.add("C" + c.path("id").asText());
        v.add(orig.path("src").asText());
        v.add(orig.path("sport").asText());
        v.add(orig.path("dst").asText());
        v.add(orig.path("dport").asText());
        v.add(zeekProto(proto));
        v.add(ZeekLogWriter.string(service(c, byId)));
        // Zeek sets duration (and the payload byte counts, which ctstream does not have) only when
        // it is positive
        v.add(duration.signum() > 0 ? ZeekLogWriter.time(duration) : ZeekLogWriter.UNSET);
        v.add(ZeekLogWriter.UNSET);
        v.add(ZeekLogWriter.UNSET);
        v.add(ZeekConnState.of(proto, c.path("history").asText(""), origPackets, replyPackets));
        v.add(ZeekLogWriter.UNSET);
        v.add(ZeekLogWriter.UNSET);
        v.add("0");
        String history = c.path("history").asText("");
        v.add(history.isEmpty() ? ZeekLogWriter.UNSET : ZeekLogWriter.string(history));
        v.add(ZeekLogWriter.count(origPackets));
        v.add(ZeekLogWriter.count(c.path("orig_bytes").asLong()));
        v.add(ZeekLogWriter.count(replyPackets));
        v.add(ZeekLogWriter.count(c.path("reply_bytes").asLong()));
        v.add(ZeekLogWriter.UNSET);
        v.add(ZeekLogWriter.count(ipProto(proto)));
        return v;
    }

    /**
     * expectations.log of the report's expectations and refused announcements, by announcement
     * time.
     */
    public static void expectations(JsonNode expectations, JsonNode rejected, Writer out)
            throws IOException {
        List<JsonNode> all = new ArrayList<>();
        expectations.forEach(all::add);
        rejected.forEach(all::add);
        all.sort(
                Comparator.comparing((JsonNode e) -> e.path("created").decimalValue())
                        .thenComparing(e -> e.path("id").asText()));
        ZeekLogWriter log =
                new ZeekLogWriter(
                        out,
                        "expectations",
                        EXPECTATION_FIELDS,
                        EXPECTATION_TYPES,
                        all.isEmpty() ? null : all.get(0).path("created").decimalValue());
        BigDecimal last = null;
        for (JsonNode e : all) {
            log.row(expectationRow(e));
            BigDecimal t =
                    e.hasNonNull("destroyed")
                            ? e.path("destroyed").decimalValue()
                            : e.path("created").decimalValue();
            last = last == null || t.compareTo(last) > 0 ? t : last;
        }
        log.close(last);
    }

    static List<String> expectationRow(JsonNode e) {
        JsonNode x = e.path("expected");
        List<String> v = new ArrayList<>(EXPECTATION_FIELDS.size());
        v.add(ZeekLogWriter.time(e.path("created").decimalValue()));
        v.add(ZeekLogWriter.string(e.path("id").asText()));
        v.add(e.hasNonNull("master_id") ? "C" + e.path("master_id").asText() : ZeekLogWriter.UNSET);
        v.add(ZeekLogWriter.string(e.path("helper").asText(null)));
        v.add(zeekProto(x.path("proto").asText()));
        v.add(wildcard(x.path("src")));
        v.add(wildcard(x.path("sport")));
        v.add(wildcard(x.path("dst")));
        v.add(wildcard(x.path("dport")));
        v.add(ZeekLogWriter.string(e.path("direction").asText(null)));
        v.add(
                e.path("timeout").asLong() > 0
                        ? ZeekLogWriter.time(BigDecimal.valueOf(e.path("timeout").asLong()))
                        : ZeekLogWriter.UNSET);
        v.add(ZeekLogWriter.string(e.path("outcome").asText(null)));
        v.add(
                e.hasNonNull("destroyed")
                        ? ZeekLogWriter.time(e.path("destroyed").decimalValue())
                        : ZeekLogWriter.UNSET);
        v.add(
                e.hasNonNull("fulfilled_by_id")
                        ? "C" + e.path("fulfilled_by_id").asText()
                        : ZeekLogWriter.UNSET);
        v.add(ZeekLogWriter.string(e.path("mode").asText(null)));
        v.add(ZeekLogWriter.string(e.hasNonNull("evidence") ? e.path("evidence").asText() : null));
        v.add(ZeekLogWriter.bool(e.path("kernel_would_drop").asBoolean(false)));
        return v;
    }

    /**
     * A wildcard ({@code *}: any source address or port) is unset; Zeek's addr and port have no
     * wildcard.
     */
    private static String wildcard(JsonNode n) {
        return n.isMissingNode() || n.isNull() || "*".equals(n.asText())
                ? ZeekLogWriter.UNSET
                : n.asText();
    }

    /**
     * Zeek's service: the helper of a control connection; for a RELATED connection, the data
     * channel of its master's helper ({@code ftp-data}, {@code irc-dcc-data}, Zeek's names); else
     * unset.
     */
    static String service(JsonNode c, Map<String, JsonNode> byId) {
        if (c.hasNonNull("helper")) {
            return c.path("helper").asText();
        }
        JsonNode master = c.hasNonNull("master_id") ? byId.get(c.path("master_id").asText()) : null;
        if (master != null && master.hasNonNull("helper")) {
            return switch (master.path("helper").asText()) {
                case "ftp" -> "ftp-data";
                case "irc" -> "irc-dcc-data";
                default -> master.path("helper").asText() + "-data";
            };
        }
        return null;
    }

    /** Zeek's transport_proto enum: tcp, udp, icmp (ICMPv6 too), unknown_transport. */
    private static String zeekProto(String proto) {
        return switch (proto) {
            case "tcp", "udp", "icmp" -> proto;
            case "ipv6-icmp" -> "icmp";
            default -> "unknown_transport";
        };
    }

    private static int ipProto(String proto) {
        return JsonViews.protocolNumber(proto);
    }

    private static BigDecimal earliest(JsonNode nodes, String field) {
        BigDecimal best = null;
        for (JsonNode n : nodes) {
            BigDecimal t = n.path(field).decimalValue();
            best = best == null || t.compareTo(best) < 0 ? t : best;
        }
        return best;
    }

    private static BigDecimal latest(JsonNode nodes, String field) {
        BigDecimal best = null;
        for (JsonNode n : nodes) {
            BigDecimal t = n.path(field).decimalValue();
            best = best == null || t.compareTo(best) > 0 ? t : best;
        }
        return best;
    }
}
