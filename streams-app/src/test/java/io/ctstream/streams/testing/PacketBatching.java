package io.ctstream.streams.testing;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.streams.conntrack.PacketFlowKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The capture agent's per-flow batching rules over decoded records, for tests that feed the
 * topology directly: at most {@code maxPackets} per record, a batch published once its first packet
 * is {@code maxMicros} older than the packet at hand, a packet with payload closing its batch at
 * once, the rest at the end.
 */
public final class PacketBatching {
    private PacketBatching() {}

    public static List<PacketRecord> batches(
            List<PacketRecord> packets, int maxPackets, long maxMicros) {
        List<PacketRecord> out = new ArrayList<>();
        Map<FlowKey, List<PacketRecord>> open = new LinkedHashMap<>();
        for (PacketRecord p : packets) {
            open.entrySet()
                    .removeIf(
                            e -> {
                                if (p.getTimestampMicros()
                                                - e.getValue().get(0).getTimestampMicros()
                                        > maxMicros) {
                                    out.add(record(e.getValue()));
                                    return true;
                                }
                                return false;
                            });
            FlowKey key = PacketFlowKeys.of(p);
            List<PacketRecord> batch = open.computeIfAbsent(key, k -> new ArrayList<>());
            batch.add(p);
            if (batch.size() >= maxPackets || p.getPayload().remaining() > 0) {
                out.add(record(open.remove(key)));
            }
        }
        open.values().forEach(b -> out.add(record(b)));
        return out;
    }

    /** The agent's defaults: 32 packets, 5 ms. */
    public static List<PacketRecord> batches(List<PacketRecord> packets) {
        return batches(packets, 32, 5_000);
    }

    private static PacketRecord record(List<PacketRecord> batch) {
        PacketRecord first = PacketRecord.newBuilder(batch.get(0)).build();
        first.setFollowing(new ArrayList<>(batch.subList(1, batch.size())));
        return first;
    }
}
