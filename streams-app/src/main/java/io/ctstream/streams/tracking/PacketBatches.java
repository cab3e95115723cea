package io.ctstream.streams.tracking;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.streams.conntrack.IcmpErrorSupport;
import io.ctstream.streams.conntrack.PacketFlowKeys;
import io.ctstream.streams.conntrack.Tuples;
import io.ctstream.streams.errors.RejectedRecordException;
import java.util.List;

/**
 * Checks a packets record before the tracker touches any state: its packets (the first and those
 * {@code following} it) must be one flow's, from the record's sensor, in capture order, and no more
 * than the cap. A batch that is not is refused whole, so a malformed record never changes a
 * connection.
 */
final class PacketBatches {
    static final String MIXED_FLOWS = "batch-mixed-flows";
    static final String OUT_OF_ORDER = "batch-out-of-order";
    static final String TOO_LARGE = "batch-too-large";
    static final String SENSOR_MISMATCH = "batch-sensor-mismatch";
    static final String NESTED = "batch-nested";

    private PacketBatches() {}

    /**
     * @throws RejectedRecordException naming the first problem
     */
    static void check(PacketRecord first, int maxPackets) {
        List<PacketRecord> following = first.getFollowing();
        if (following.isEmpty()) {
            return;
        }
        if (following.size() + 1 > maxPackets) {
            throw new RejectedRecordException(
                    TOO_LARGE,
                    "packet batch of "
                            + (following.size() + 1)
                            + " packets, more than the cap of "
                            + maxPackets);
        }
        FlowKey flow = null; // built only for ICMP errors, which belong to the flow they quote
        long previous = first.getTimestampMicros();
        for (int i = 0; i < following.size(); i++) {
            PacketRecord p = following.get(i);
            if (!p.getFollowing().isEmpty()) {
                throw new RejectedRecordException(
                        NESTED, "packet " + (i + 1) + " of the batch has packets following it");
            }
            if (!first.getSensorId().equals(p.getSensorId())) {
                throw new RejectedRecordException(
                        SENSOR_MISMATCH,
                        "packet "
                                + (i + 1)
                                + " of the batch is from sensor '"
                                + p.getSensorId()
                                + "', the record's is '"
                                + first.getSensorId()
                                + "'");
            }
            if (p.getTimestampMicros() < previous) {
                throw new RejectedRecordException(
                        OUT_OF_ORDER,
                        "packet "
                                + (i + 1)
                                + " of the batch is stamped "
                                + p.getTimestampMicros()
                                + " µs, before the packet ahead of it ("
                                + previous
                                + " µs)");
            }
            previous = p.getTimestampMicros();
            if (!Tuples.sameFlow(first, p)
                    || IcmpErrorSupport.isError(first)
                    || IcmpErrorSupport.isError(p)) {
                if (flow == null) {
                    flow = PacketFlowKeys.of(first);
                }
                if (flow.equals(PacketFlowKeys.of(p))) {
                    continue;
                }
                throw new RejectedRecordException(
                        MIXED_FLOWS, "packet " + (i + 1) + " of the batch belongs to another flow");
            }
        }
    }
}
