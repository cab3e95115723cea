package io.ctstream.streams.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.avro.Alert;
import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.StatusFlag;
import io.ctstream.avro.Tuple;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.schemas.IpProtocol;
import io.ctstream.streams.helper.Addresses;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The JSON shape of connections, expectations and alerts, shared by the query API and the {@code
 * analyze} report. Field names and values follow the kernel-oracle files of the traffic lab ({@code
 * ../shared/lab/out/*.expect.json}): tuples are {@code {"proto","l3","src","sport","dst","dport"}},
 * wildcards are {@code "*"}, times are seconds since the epoch with microsecond precision.
 */
public final class JsonViews {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonViews() {}

    public static String protocolName(int protocol) {
        return switch (protocol) {
            case IpProtocol.TCP -> "tcp";
            case IpProtocol.UDP -> "udp";
            case IpProtocol.ICMP -> "icmp";
            case IpProtocol.ICMPV6 -> "ipv6-icmp";
            case 132 -> "sctp";
            case 136 -> "udplite";
            case 33 -> "dccp";
            case 47 -> "gre";
            default -> Integer.toString(protocol);
        };
    }

    /** Parses what {@link #protocolName} writes (and plain numbers). */
    public static int protocolNumber(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            case "ipv6-icmp", "icmpv6", "icmp6" -> 58;
            case "sctp" -> 132;
            case "udplite" -> 136;
            case "dccp" -> 33;
            case "gre" -> 47;
            default -> Integer.parseInt(name);
        };
    }

    public static String l3Name(int ipVersion) {
        return ipVersion == 6 ? "ipv6" : "ipv4";
    }

    public static String address(ByteBuffer addr) {
        return address(FlowKeys.bytes(addr));
    }

    public static String address(byte[] addr) {
        try {
            // RFC 5952 text for IPv6 ("fd77:1::2"), as the kernel and the lab's oracle files print
            // it
            return Addresses.format(InetAddress.getByAddress(addr));
        } catch (UnknownHostException e) {
            return "invalid:" + HexFormat.of().formatHex(addr);
        }
    }

    public static BigDecimal seconds(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }

    public static ObjectNode tuple(Tuple t) {
        ObjectNode n = F.objectNode();
        n.put("proto", protocolName(t.getProtocol()));
        n.put("l3", l3Name(t.getIpVersion()));
        n.put("src", address(t.getSrc()));
        n.put("sport", t.getSrcPort());
        n.put("dst", address(t.getDst()));
        n.put("dport", t.getDstPort());
        return n;
    }

    public static ObjectNode expected(ExpectedTuple t) {
        ObjectNode n = F.objectNode();
        n.put("proto", protocolName(t.getProtocol()));
        n.put("l3", l3Name(t.getIpVersion()));
        if (t.getSrc() == null) {
            n.put("src", "*");
        } else {
            n.put("src", address(t.getSrc()));
        }
        if (t.getSrcPort() == null) {
            n.put("sport", "*");
        } else {
            n.put("sport", t.getSrcPort());
        }
        n.put("dst", address(t.getDst()));
        n.put("dport", t.getDstPort());
        return n;
    }

    public static ObjectNode connection(Connection c) {
        ObjectNode n = F.objectNode();
        n.put("id", c.getId());
        n.set("orig", tuple(c.getOrig()));
        n.set("reply", tuple(c.getReply()));
        n.put("ct_state", c.getCtState().name());
        n.put("tcp_state", c.getTcpState().name());
        ArrayNode status = n.putArray("status");
        for (StatusFlag f : c.getStatus()) {
            status.add(f.name());
        }
        n.put("orig_packets", c.getOrigPackets());
        n.put("orig_bytes", c.getOrigBytes());
        n.put("reply_packets", c.getReplyPackets());
        n.put("reply_bytes", c.getReplyBytes());
        // every packet captured, as tshark counts them; the two above are the kernel's accounting
        n.put("orig_packets_captured", c.getOrigPacketsCaptured());
        n.put("reply_packets_captured", c.getReplyPacketsCaptured());
        n.put("stream_gaps", c.getStreamGaps());
        n.put("first_seen", seconds(c.getFirstSeenMicros()));
        n.put("last_seen", seconds(c.getLastSeenMicros()));
        // when the entry times out in stream time (the remaining timeout of conntrack -L is this
        // minus "now")
        n.put("timeout_at", seconds(c.getTimeoutAtMicros()));
        n.put("history", c.getHistory());
        ArrayNode sensors = n.putArray("sensors");
        c.getSensors().forEach(sensors::add);
        if (c.getHelper() == null) {
            n.putNull("helper");
        } else {
            n.put("helper", c.getHelper());
        }
        ConnectionRef master = c.getMaster();
        if (master == null) {
            n.putNull("master");
        } else {
            n.set("master", tuple(master.getOrig()));
            n.put("master_id", master.getConnectionId());
        }
        if (c.getExpectationId() != null) {
            n.put("expectation_id", c.getExpectationId());
        }
        return n;
    }

    /**
     * One expectation as the kernel-oracle files describe it, with {@code outcome} from its last
     * event.
     */
    public static ObjectNode expectation(ExpectationEvent created, ExpectationEvent last) {
        ObjectNode n = F.objectNode();
        n.put("id", created.getExpectationId());
        n.put("helper", created.getHelper());
        n.set("master", tuple(created.getMaster().getOrig()));
        n.put("master_id", created.getMaster().getConnectionId());
        n.set("expected", expected(created.getExpected()));
        n.put("direction", created.getDirection().name().toLowerCase(Locale.ROOT));
        n.put("timeout", created.getTimeoutSeconds());
        n.put("created", seconds(created.getCreatedMicros()));
        n.put("outcome", outcome(last));
        if (last != null && last != created && last.getType() != ExpectationEventType.CREATED) {
            n.put("destroyed", seconds(last.getTimestampMicros()));
        }
        if (last != null && last.getFulfilledBy() != null) {
            n.set("fulfilled_by", tuple(last.getFulfilledBy().getOrig()));
            n.put("fulfilled_by_id", last.getFulfilledBy().getConnectionId());
        }
        n.put("mode", created.getMode().name().toLowerCase(Locale.ROOT));
        if (created.getEvidence() != null) {
            n.put("evidence", created.getEvidence());
        }
        n.put("kernel_would_drop", created.getKernelWouldDrop());
        return n;
    }

    /**
     * The oracle's outcome vocabulary: fulfilled / evicted / expired / master-destroyed / pending.
     */
    public static String outcome(ExpectationEvent last) {
        if (last == null) {
            return "pending";
        }
        return switch (last.getType()) {
            case CREATED -> "pending";
            case FULFILLED -> "fulfilled";
            case EVICTED -> "evicted";
            case EXPIRED -> "expired";
            case MASTER_DESTROYED -> "master-destroyed";
            case REJECTED -> "rejected";
        };
    }

    public static ObjectNode alert(Alert a) {
        ObjectNode n = F.objectNode();
        n.put("id", a.getAlertId());
        n.put("type", a.getType());
        n.put("severity", a.getSeverity().name().toLowerCase(Locale.ROOT));
        n.put("time", seconds(a.getTimestampMicros()));
        if (a.getHelper() != null) {
            n.put("helper", a.getHelper());
        }
        if (a.getSource() != null) {
            n.put("source", address(a.getSource()));
        }
        if (a.getMaster() != null) {
            n.set("master", tuple(a.getMaster().getOrig()));
        }
        if (a.getAnnounced() != null) {
            n.set("announced", expected(a.getAnnounced()));
        }
        n.put("message", a.getMessage());
        if (a.getEvidence() != null) {
            n.put("evidence", a.getEvidence());
        }
        if (a.getSensorId() != null) {
            n.put("sensor", a.getSensorId());
        }
        return n;
    }
}
