package io.ctstream.streams.conntrack;

import io.ctstream.avro.PacketRecord;
import io.ctstream.schemas.IpProtocol;
import io.ctstream.streams.conntrack.state.RecentPacket;
import io.ctstream.streams.conntrack.state.TrackingState;
import java.util.ArrayList;
import java.util.List;

/**
 * Recognises the same packet captured by two sensors, from a small bounded memory of recent packets
 * kept in the tracking state. Two captures are the same packet when they come from different
 * sensors, travel in the same direction, have the same IP total length and lie within the
 * configured time window; for TCP the sequence and acknowledgement numbers and flags must match,
 * for other protocols the IPv4 identification. A retransmission seen by one sensor is never a
 * duplicate (same sensor).
 */
public final class DuplicateDetector {

    private final long windowMicros;
    private final int memory;

    public DuplicateDetector(ConntrackConfig config) {
        this.windowMicros = config.duplicateWindow().toNanos() / 1000;
        this.memory = config.duplicateMemory();
    }

    /** True when {@code p} (in direction {@code reply}) is a copy of a remembered packet. */
    public boolean isDuplicate(TrackingState state, PacketRecord p, boolean reply) {
        if (memory == 0) {
            return false;
        }
        for (RecentPacket r : state.getRecent()) {
            if (r.getReply() == reply
                    && !r.getSensorId().equals(p.getSensorId())
                    && Math.abs(r.getTimestampMicros() - p.getTimestampMicros()) <= windowMicros
                    && r.getLength() == p.getIpTotalLength()
                    && sameHeaders(r, p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Remembers {@code p}, forgetting packets older than the window and the oldest beyond the
     * memory size.
     */
    public void remember(TrackingState state, PacketRecord p, boolean reply) {
        if (memory == 0) {
            return;
        }
        long oldest = p.getTimestampMicros() - windowMicros;
        List<RecentPacket> kept = new ArrayList<>(memory);
        for (RecentPacket r : state.getRecent()) {
            if (r.getTimestampMicros() >= oldest) {
                kept.add(r);
            }
        }
        boolean tcp = p.getProtocol() == IpProtocol.TCP;
        kept.add(
                new RecentPacket(
                        reply,
                        p.getTimestampMicros(),
                        p.getSensorId(),
                        tcp ? p.getTcpSeq() : 0,
                        tcp ? p.getTcpAck() : 0,
                        p.getTcpFlags(),
                        p.getIpId(),
                        p.getIpTotalLength()));
        while (kept.size() > memory) {
            kept.remove(0);
        }
        state.setRecent(kept);
    }

    private static boolean sameHeaders(RecentPacket r, PacketRecord p) {
        if (p.getProtocol() == IpProtocol.TCP) {
            return r.getSeq() == p.getTcpSeq()
                    && r.getAck() == p.getTcpAck()
                    && r.getTcpFlags() == p.getTcpFlags();
        }
        return r.getIpId() == p.getIpId();
    }
}
