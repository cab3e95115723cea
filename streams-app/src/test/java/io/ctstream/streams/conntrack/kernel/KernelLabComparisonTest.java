package io.ctstream.streams.conntrack.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Connection;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.StatusFlag;
import io.ctstream.streams.conntrack.Change;
import io.ctstream.streams.conntrack.ConnectionTracker;
import io.ctstream.streams.conntrack.ConntrackConfig;
import io.ctstream.streams.conntrack.PacketFlowKeys;
import io.ctstream.streams.conntrack.TrackResult;
import io.ctstream.streams.conntrack.TrackedConnection;
import io.ctstream.streams.conntrack.Tuples;
import io.ctstream.streams.testing.LabCaptures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Offline check of the conntrack core against the kernel on the lab captures: every connection the
 * kernel confirmed ({@code <scenario>.conntrack.txt} NEW events) is created with the same original
 * direction, goes through the same TCP states, and ends with the kernel's per-direction packet and
 * byte counters ({@code <scenario>.ct-table.txt}).
 *
 * <p>The kernel never confirms a connection whose first packet the forward policy drops, so it has
 * no entry for the dropped data connections of the negative scenarios; the core (which sees the
 * ingress capture and applies no policy) does. Those extra connections must be unreplied. Packets
 * come from a minimal test-only pcap reader until the capture agent's decoder is available.
 */
class KernelLabComparisonTest {

    static Stream<String> scenarios() throws IOException {
        try (Stream<Path> s = Files.list(KernelConntrackParserTest.LAB)) {
            return s
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".conntrack.txt"))
                    .map(n -> n.substring(0, n.length() - ".conntrack.txt".length()))
                    .filter(n -> Files.exists(KernelConntrackParserTest.LAB.resolve(n + ".pcap")))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    /** What the core made of one connection. */
    private static final class Ours {
        final List<String> states = new ArrayList<>();
        Connection last;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void agreesWithTheKernel(String scenario) throws IOException {
        Path lab = KernelConntrackParserTest.LAB;
        List<PacketRecord> packets = LabCaptures.read(lab.resolve(scenario + ".pcap"), "gw");
        ConnectionTracker tracker = new ConnectionTracker(ConntrackConfig.defaults());
        Map<String, TrackedConnection> store = new HashMap<>();
        Map<String, Ours> byOrig = new LinkedHashMap<>();
        for (PacketRecord p : packets) {
            String key = PacketFlowKeys.of(p).toString();
            TrackResult r = tracker.track(store.get(key), p);
            if (r.connection() == null) {
                store.remove(key);
            } else {
                store.put(key, r.connection());
            }
            TrackedConnection now = r.connection() != null ? r.connection() : r.destroyed();
            if (now == null) {
                continue;
            }
            Connection c = now.connection();
            String orig =
                    Tuples.address(c.getOrig().getSrc())
                            + ":"
                            + c.getOrig().getSrcPort()
                            + ">"
                            + Tuples.address(c.getOrig().getDst())
                            + ":"
                            + c.getOrig().getDstPort();
            if (r.has(Change.CREATED)) {
                assertThat(byOrig)
                        .as("%s: tuple reused for %s", scenario, orig)
                        .doesNotContainKey(orig);
                byOrig.put(orig, new Ours());
            }
            Ours o = byOrig.get(orig);
            if (o == null) {
                continue;
            }
            // a UDP connection (the tftp scenario) has no TCP state, in the kernel's events or here
            if (c.getOrig().getProtocol() == 6
                    && (r.has(Change.CREATED) || r.has(Change.TCP_STATE))) {
                o.states.add(c.getTcpState().name());
            }
            o.last = c;
        }

        Map<Long, List<KernelConntrackEntry>> kernel = new LinkedHashMap<>();
        for (KernelConntrackEntry e :
                KernelConntrackParser.parseEvents(lab.resolve(scenario + ".conntrack.txt"))) {
            kernel.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
        }
        for (List<KernelConntrackEntry> events : kernel.values()) {
            KernelConntrackEntry first = events.get(0);
            assertThat(first.event()).isEqualTo("NEW");
            String orig = canonical(first.orig());
            assertThat(byOrig).as("%s: kernel connection %s", scenario, orig).containsKey(orig);
            List<String> states = new ArrayList<>();
            for (KernelConntrackEntry e : events) {
                if (e.tcpState() != null
                        && (states.isEmpty()
                                || !states.get(states.size() - 1).equals(e.tcpState()))) {
                    states.add(e.tcpState());
                }
            }
            assertThat(byOrig.get(orig).states)
                    .as("%s: TCP states of %s", scenario, orig)
                    .isEqualTo(states);
            boolean assured = events.get(events.size() - 1).flags().contains("ASSURED");
            assertThat(byOrig.get(orig).last.getStatus().contains(StatusFlag.ASSURED))
                    .as("%s: ASSURED of %s", scenario, orig)
                    .isEqualTo(assured);
        }
        for (KernelConntrackEntry t :
                KernelConntrackParser.parseTable(lab.resolve(scenario + ".ct-table.txt"))) {
            String orig = canonical(t.orig());
            Connection c = byOrig.get(orig).last;
            assertThat(
                            new long[] {
                                c.getOrigPackets(),
                                c.getOrigBytes(),
                                c.getReplyPackets(),
                                c.getReplyBytes()
                            })
                    .as("%s: counters of %s", scenario, orig)
                    .containsExactly(
                            t.orig().packets(),
                            t.orig().bytes(),
                            t.reply().packets(),
                            t.reply().bytes());
        }
        long kernelIds = kernel.size();
        byOrig.forEach(
                (orig, o) -> {
                    boolean known =
                            kernel.values().stream()
                                    .anyMatch(ev -> canonical(ev.get(0).orig()).equals(orig));
                    if (!known) {
                        assertThat(o.last.getStatus())
                                .as(
                                        "%s: %s is not in the kernel's table, so it must be unreplied",
                                        scenario, orig)
                                .doesNotContain(StatusFlag.SEEN_REPLY);
                    }
                });
        assertThat(byOrig.size()).isGreaterThanOrEqualTo((int) kernelIds);
    }

    /**
     * The kernel prints IPv6 addresses compressed; the core's keys use Java's uncompressed form.
     */
    private static String canonical(KernelTuple t) {
        return addr(t.src()) + ":" + t.sport() + ">" + addr(t.dst()) + ":" + t.dport();
    }

    private static String addr(String s) {
        try {
            return java.net.InetAddress.getByName(s).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
