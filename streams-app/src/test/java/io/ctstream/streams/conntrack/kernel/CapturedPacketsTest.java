package io.ctstream.streams.conntrack.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ctstream.avro.Connection;
import io.ctstream.avro.PacketRecord;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.conntrack.ConntrackConfig;
import io.ctstream.streams.conntrack.PacketFlowKeys;
import io.ctstream.streams.conntrack.TrackResult;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.conntrack.Tuples;
import io.ctstream.streams.testing.LabCaptures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17, item 6: a connection's captured-packet counters are what a packet analyzer counts. On
 * every lab capture, each TCP and UDP conversation of {@code tshark -z conv} has, per direction,
 * exactly the packets ctstream's connections of that tuple counted as captured — the
 * retransmissions of an unanswered SYN included, which the kernel's own counters (and ctstream's
 * {@code origPackets}, checked against them in {@link KernelLabComparisonTest}) leave out.
 */
class CapturedPacketsTest {
    /**
     * "10.77.1.2:36681 <-> 10.77.2.2:21 13 1139 bytes 14 1006 bytes ...": B to A first, then A to
     * B.
     */
    private static final Pattern CONVERSATION =
            Pattern.compile(
                    "^(\\S+):(\\d+)\\s+<->\\s+(\\S+):(\\d+)\\s+(\\d+) \\S+ \\S+\\s+(\\d+) \\S+ \\S+");

    static Stream<String> scenarios() throws IOException {
        return KernelLabComparisonTest.scenarios();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void countsWhatTsharkCounts(String scenario) throws Exception {
        Path pcap = KernelConntrackParserTest.LAB.resolve(scenario + ".pcap");
        Map<String, long[]> tshark = tsharkConversations(pcap);

        ConnectionTracker tracker = new ConnectionTracker(ConntrackConfig.defaults());
        Map<String, TrackedConnection> store = new HashMap<>();
        Map<String, Connection> lastById = new LinkedHashMap<>();
        for (PacketRecord p : LabCaptures.read(pcap, "gw")) {
            if (p.getProtocol() != 6 && p.getProtocol() != 17) {
                continue;
            }
            String key = PacketFlowKeys.of(p).toString();
            TrackResult r = tracker.track(store.get(key), p);
            if (r.destroyed() != null) {
                lastById.put(r.destroyed().connection().getId(), r.destroyed().connection());
            }
            if (r.connection() == null) {
                store.remove(key);
            } else {
                store.put(key, r.connection());
                lastById.put(r.connection().connection().getId(), r.connection().connection());
            }
        }
        // a tuple used twice (a connection reopened) is one conversation for tshark
        Map<String, long[]> ours = new LinkedHashMap<>();
        for (Connection c : lastById.values()) {
            String a =
                    canonical(Tuples.address(c.getOrig().getSrc()))
                            + ":"
                            + c.getOrig().getSrcPort();
            String b =
                    canonical(Tuples.address(c.getOrig().getDst()))
                            + ":"
                            + c.getOrig().getDstPort();
            long[] fromA =
                    ours.computeIfAbsent(
                            protocol(c.getOrig().getProtocol()) + " " + a + " > " + b,
                            k -> new long[2]);
            fromA[0] += c.getOrigPacketsCaptured();
            fromA[1] += c.getReplyPacketsCaptured();
        }
        Map<String, long[]> theirs = new LinkedHashMap<>();
        for (String conv : ours.keySet()) {
            String[] parts = conv.split(" ");
            long[] t = tshark.get(parts[0] + " " + parts[1] + " > " + parts[3]);
            long[] reversed = tshark.get(parts[0] + " " + parts[3] + " > " + parts[1]);
            theirs.put(
                    conv,
                    t != null
                            ? t
                            : reversed != null ? new long[] {reversed[1], reversed[0]} : null);
        }
        assertThat(theirs)
                .as("%s: ctstream's conversations that tshark has too", scenario)
                .doesNotContainValue(null);
        assertThat(ours.size()).as("%s: conversations", scenario).isEqualTo(tshark.size());
        ours.forEach(
                (conv, counts) ->
                        assertThat(counts)
                                .as("%s: packets of %s (original, reply) vs tshark", scenario, conv)
                                .containsExactly(theirs.get(conv)));
    }

    /** One spelling per address (tshark compresses IPv6 addresses, Java does not). */
    private static String canonical(String literal) {
        try {
            return java.net.InetAddress.getByName(literal).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static String protocol(int proto) {
        return proto == 6 ? "tcp" : "udp";
    }

    /** "tcp a:p > b:q" → {packets a to b, packets b to a}. */
    private static Map<String, long[]> tsharkConversations(Path pcap) throws Exception {
        Process p;
        try {
            p =
                    new ProcessBuilder(
                                    "tshark",
                                    "-n",
                                    "-r",
                                    pcap.toString(),
                                    "-q",
                                    "-z",
                                    "conv,tcp",
                                    "-z",
                                    "conv,udp")
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
        } catch (IOException e) {
            assumeTrue(false, "tshark is not installed: " + e.getMessage());
            return Map.of();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Map<String, long[]> conversations = new LinkedHashMap<>();
        String proto = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("TCP Conversations")) {
                proto = "tcp";
            } else if (line.startsWith("UDP Conversations")) {
                proto = "udp";
            }
            Matcher m = CONVERSATION.matcher(line);
            if (m.find()) {
                conversations.put(
                        proto
                                + " "
                                + canonical(m.group(1))
                                + ":"
                                + m.group(2)
                                + " > "
                                + canonical(m.group(3))
                                + ":"
                                + m.group(4),
                        new long[] {Long.parseLong(m.group(6)), Long.parseLong(m.group(5))});
            }
        }
        return conversations;
    }
}
