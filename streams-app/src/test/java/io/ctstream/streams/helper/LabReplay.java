package io.ctstream.streams.helper;

import io.ctstream.avro.Direction;
import io.ctstream.streams.helper.LabCapture.Packet;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.helper.channel.ControlChannelState;
import io.ctstream.streams.helper.channel.ControlChannelStateCodec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test-only: replays a lab capture through the analyzer, one state per control connection (found by
 * its SYN, or a UDP flow's first datagram, to a helper port), encoding and decoding the state after
 * every segment as a state store would.
 */
public final class LabReplay {

    private LabReplay() {}

    public static List<HelperOutcome> run(String scenario, HelperConfig config) {
        return run(LabCapture.read(scenario), config);
    }

    public static List<HelperOutcome> run(List<Packet> packets, HelperConfig config) {
        ControlChannelAnalyzer analyzer = new ControlChannelAnalyzer(config);
        Map<ConnTuple, HelperContext> masters = new LinkedHashMap<>();
        Map<ConnTuple, byte[]> states = new LinkedHashMap<>();
        List<HelperOutcome> out = new ArrayList<>();
        // a stand-in for the expectation matcher: live requests, and the master each belongs to
        Map<String, HelperOutcome.ExpectationRequest> live = new LinkedHashMap<>();
        Map<String, ConnTuple> masterOf = new LinkedHashMap<>();
        Set<ConnTuple> udpFlows = new HashSet<>();
        for (Packet p : packets) {
            boolean udp = p.protocol() == 17;
            ConnTuple t =
                    new ConnTuple(
                            Addresses.ipVersion(p.src()),
                            p.protocol(),
                            p.src(),
                            p.srcPort(),
                            p.dst(),
                            p.dstPort());
            // a connection's first packet: a TCP SYN, the first datagram of a UDP flow either way
            boolean first =
                    udp
                            ? !udpFlows.contains(t) && !udpFlows.contains(t.inverse())
                            : p.syn() && !p.ack();
            if (udp) {
                udpFlows.add(t);
            }
            if (first && !masters.containsKey(t)) {
                // a new connection fulfils the first live expectation it matches (one-shot), fed
                // back to its master
                live.values().stream()
                        .filter(r -> r.expected().matches(t))
                        .findFirst()
                        .ifPresent(
                                r -> {
                                    live.remove(r.expectationId());
                                    ConnTuple m = masterOf.get(r.expectationId());
                                    ControlChannelState ms =
                                            ControlChannelStateCodec.decode(states.get(m), config);
                                    analyzer.onExpectationClosed(ms, r.expectationId());
                                    states.put(m, ControlChannelStateCodec.encode(ms));
                                });
            }
            if (first && !masters.containsKey(t) && analyzer.helperFor(t).isPresent()) {
                HelperContext ctx =
                        HelperContext.of("ct-" + t.src().getHostAddress() + "-" + t.srcPort(), t);
                masters.put(t, ctx);
                states.put(t, ControlChannelStateCodec.encode(analyzer.newState(ctx)));
            }
            Direction dir = masters.containsKey(t) ? Direction.ORIGINAL : Direction.REPLY;
            ConnTuple key = dir == Direction.ORIGINAL ? t : t.inverse();
            HelperContext ctx = masters.get(key);
            if (ctx == null) {
                continue;
            }
            ControlChannelState state = ControlChannelStateCodec.decode(states.get(key), config);
            HelperSegment segment =
                    udp
                            ? HelperSegment.datagram(
                                    p.payload(), p.payload().length, p.timestampMicros())
                            : HelperSegment.of(
                                    p.seq(), p.flags(), p.payload(), p.timestampMicros());
            List<HelperOutcome> got = analyzer.onSegment(state, dir, segment, ctx);
            for (HelperOutcome o : got) {
                if (o instanceof HelperOutcome.ExpectationRequest r) {
                    live.put(r.expectationId(), r);
                    masterOf.put(r.expectationId(), key);
                } else if (o instanceof HelperOutcome.ExpectationEviction e) {
                    live.remove(e.evictedExpectationId());
                }
            }
            out.addAll(got);
            states.put(key, ControlChannelStateCodec.encode(state));
        }
        return out;
    }

    public static <T extends HelperOutcome> List<T> only(
            List<HelperOutcome> outcomes, Class<T> type) {
        return outcomes.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
