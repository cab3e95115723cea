package io.ctstream.streams.query;

import io.ctstream.avro.Connection;
import io.ctstream.avro.Tuple;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.streams.json.JsonViews;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A list query's filter. Every field is optional; a connection matches when it matches all that are
 * set. {@code address} and {@code port} match either endpoint of either direction; {@code state}
 * matches the conntrack state (NEW, ESTABLISHED, RELATED, INVALID) or the TCP state (SYN_SENT,
 * ...); {@code master} keeps the RELATED connections whose master has that connection id (its
 * children).
 */
public record ConnectionFilter(
        byte[] address,
        Integer port,
        Integer protocol,
        String state,
        String helper,
        String sensor,
        String master) {

    public static final ConnectionFilter ALL =
            new ConnectionFilter(null, null, null, null, null, null, null);

    /** The RELATED connections that the connection {@code masterId} announced. */
    public static ConnectionFilter childrenOf(String masterId) {
        return new ConnectionFilter(null, null, null, null, null, null, masterId);
    }

    /** Builds a filter from query parameters, with a clear error for a bad value. */
    public static ConnectionFilter fromParams(Function<String, String> param) {
        String addr = param.apply("address");
        String port = param.apply("port");
        String proto = param.apply("proto");
        String state = param.apply("state");
        return new ConnectionFilter(
                addr == null ? null : parseAddress(addr),
                port == null ? null : parsePort(port),
                proto == null ? null : parseProtocol(proto),
                state == null ? null : state.toUpperCase(Locale.ROOT),
                param.apply("helper"),
                param.apply("sensor"),
                param.apply("master") == null
                        ? null
                        : QueryParams.connectionId("master", param.apply("master")));
    }

    /** The parameters that rebuild this filter (for forwarding it to another instance). */
    public Map<String, String> toParams() {
        LinkedHashMap<String, String> p = new LinkedHashMap<>();
        if (address != null) {
            p.put("address", JsonViews.address(address));
        }
        if (port != null) {
            p.put("port", port.toString());
        }
        if (protocol != null) {
            p.put("proto", protocol.toString());
        }
        if (state != null) {
            p.put("state", state);
        }
        if (helper != null) {
            p.put("helper", helper);
        }
        if (sensor != null) {
            p.put("sensor", sensor);
        }
        if (master != null) {
            p.put("master", master);
        }
        return p;
    }

    public boolean matches(Connection c) {
        Tuple o = c.getOrig();
        Tuple r = c.getReply();
        if (protocol != null && o.getProtocol() != protocol) {
            return false;
        }
        if (address != null && !hasAddress(o, address) && !hasAddress(r, address)) {
            return false;
        }
        if (port != null
                && o.getSrcPort() != port
                && o.getDstPort() != port
                && r.getSrcPort() != port
                && r.getDstPort() != port) {
            return false;
        }
        if (state != null
                && !state.equals(c.getCtState().name())
                && !state.equals(c.getTcpState().name())) {
            return false;
        }
        if (helper != null
                && !helper.equalsIgnoreCase(c.getHelper() == null ? "" : c.getHelper())) {
            return false;
        }
        if (master != null
                && (c.getMaster() == null || !master.equals(c.getMaster().getConnectionId()))) {
            return false;
        }
        return sensor == null || c.getSensors().contains(sensor);
    }

    private static boolean hasAddress(Tuple t, byte[] a) {
        return Arrays.equals(FlowKeys.bytes(t.getSrc()), a)
                || Arrays.equals(FlowKeys.bytes(t.getDst()), a);
    }

    static byte[] parseAddress(String s) {
        return QueryParams.address(
                s); // only literals: a name would make the query server resolve DNS
    }

    static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port out of range 0..65535: " + s);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number: " + s);
        }
    }

    static int parseProtocol(String s) {
        try {
            return JsonViews.protocolNumber(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "unknown protocol: " + s + " (tcp, udp, icmp, ipv6-icmp or a number)");
        }
    }
}
