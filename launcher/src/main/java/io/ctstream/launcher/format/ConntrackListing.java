package io.ctstream.launcher.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.streams.json.JsonViews;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Connections and expectations listed as {@code conntrack -L} and {@code conntrack -L expect} print
 * them (conntrack-tools' default output, with the per-direction counters it shows when accounting
 * is on):
 *
 * <pre>
 * tcp      6 117 TIME_WAIT src=10.77.1.2 dst=10.77.2.2 sport=45898 dport=21 packets=18 bytes=1053 src=10.77.2.2 dst=10.77.1.2 sport=21 dport=45898 packets=19 bytes=1486 [ASSURED] helper=ftp
 * </pre>
 *
 * The timeout column is the seconds left at "now", which for a capture is its last packet and for a
 * running pipeline the latest {@code last_seen} of the listing (stream time, not the wall clock). A
 * destroyed connection (in an analysis report only) is prefixed {@code [DESTROY]}, as {@code
 * conntrack -E} shows the event.
 */
public final class ConntrackListing {
    private ConntrackListing() {}

    /** One line per connection. */
    public static void connections(JsonNode connections, Writer out) throws IOException {
        BigDecimal now = latestLastSeen(connections);
        for (JsonNode c : connections) {
            out.write(connection(c, now));
            out.write('\n');
        }
        out.flush();
    }

    static String connection(JsonNode c, BigDecimal now) {
        JsonNode orig = c.path("orig");
        String proto = orig.path("proto").asText();
        StringBuilder b = new StringBuilder();
        if (c.path("destroyed").asBoolean(false)) {
            b.append("[DESTROY] ");
        }
        b.append(
                String.format(
                        "%-8s %d %d ", proto, JsonViews.protocolNumber(proto), remaining(c, now)));
        if ("tcp".equals(proto)) {
            b.append(c.path("tcp_state").asText()).append(' ');
        }
        boolean replied = false;
        boolean assured = false;
        for (JsonNode s : c.path("status")) {
            replied |= "SEEN_REPLY".equals(s.asText());
            assured |= "ASSURED".equals(s.asText());
        }
        tuple(b, orig);
        b.append(" packets=")
                .append(c.path("orig_packets").asLong())
                .append(" bytes=")
                .append(c.path("orig_bytes").asLong());
        if (!replied) {
            b.append(" [UNREPLIED]");
        }
        b.append(' ');
        tuple(b, c.path("reply"));
        b.append(" packets=")
                .append(c.path("reply_packets").asLong())
                .append(" bytes=")
                .append(c.path("reply_bytes").asLong());
        if (assured) {
            b.append(" [ASSURED]");
        }
        if (c.hasNonNull("helper")) {
            b.append(" helper=").append(c.path("helper").asText());
        }
        return b.toString();
    }

    /**
     * One line per expectation (and refused announcement), as {@code conntrack -L expect}, with its
     * outcome.
     */
    public static void expectations(JsonNode expectations, JsonNode rejected, Writer out)
            throws IOException {
        for (JsonNode list : new JsonNode[] {expectations, rejected}) {
            for (JsonNode e : list) {
                JsonNode x = e.path("expected");
                StringBuilder b = new StringBuilder();
                b.append(e.path("timeout").asLong())
                        .append(" proto=")
                        .append(JsonViews.protocolNumber(x.path("proto").asText()))
                        .append(' ');
                b.append("src=")
                        .append(x.path("src").asText())
                        .append(" dst=")
                        .append(x.path("dst").asText())
                        .append(" sport=")
                        .append(x.path("sport").asText())
                        .append(" dport=")
                        .append(x.path("dport").asText());
                JsonNode m = e.path("master");
                b.append(" master-src=")
                        .append(m.path("src").asText())
                        .append(" master-dst=")
                        .append(m.path("dst").asText())
                        .append(" sport=")
                        .append(m.path("sport").asText())
                        .append(" dport=")
                        .append(m.path("dport").asText());
                b.append(" helper=")
                        .append(e.path("helper").asText())
                        .append(" outcome=")
                        .append(e.path("outcome").asText());
                out.write(b.toString());
                out.write('\n');
            }
        }
        out.flush();
    }

    private static void tuple(StringBuilder b, JsonNode t) {
        b.append("src=")
                .append(t.path("src").asText())
                .append(" dst=")
                .append(t.path("dst").asText());
        if (t.has("sport")) {
            b.append(" sport=")
                    .append(t.path("sport").asText())
                    .append(" dport=")
                    .append(t.path("dport").asText());
        }
    }

    private static long remaining(JsonNode c, BigDecimal now) {
        if (!c.hasNonNull("timeout_at") || now == null) {
            return 0;
        }
        return Math.max(
                0,
                c.path("timeout_at")
                        .decimalValue()
                        .subtract(now)
                        .setScale(0, RoundingMode.DOWN)
                        .longValue());
    }

    private static BigDecimal latestLastSeen(JsonNode connections) {
        BigDecimal best = null;
        for (JsonNode c : connections) {
            if (c.hasNonNull("last_seen")) {
                BigDecimal t = c.path("last_seen").decimalValue();
                best = best == null || t.compareTo(best) > 0 ? t : best;
            }
        }
        return best;
    }
}
