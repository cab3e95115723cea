package io.ctstream.capture.decode;

import java.util.EnumMap;
import java.util.Map;

/**
 * What one decoder has seen: frames decoded, fragments among them, and rejections by reason.
 * Written by the single thread that owns the decoder; read by others for metrics (plain long fields
 * published through volatile reads are good enough for monotonic counters).
 */
public final class DecodeCounters {
    private volatile long decoded;
    private volatile long fragments;
    private final long[] rejected = new long[RejectReason.values().length];

    void countDecoded(boolean fragment) {
        decoded++;
        if (fragment) {
            fragments++;
        }
    }

    void countRejected(RejectReason reason) {
        synchronized (rejected) {
            rejected[reason.ordinal()]++;
        }
    }

    public long decoded() {
        return decoded;
    }

    /** IP fragments among the decoded packets (first fragments included). */
    public long fragments() {
        return fragments;
    }

    public long rejected(RejectReason reason) {
        synchronized (rejected) {
            return rejected[reason.ordinal()];
        }
    }

    public long rejectedTotal() {
        long sum = 0;
        synchronized (rejected) {
            for (long r : rejected) {
                sum += r;
            }
        }
        return sum;
    }

    /** Non-zero rejection counts, for reports. */
    public Map<RejectReason, Long> rejectedByReason() {
        Map<RejectReason, Long> m = new EnumMap<>(RejectReason.class);
        synchronized (rejected) {
            for (RejectReason r : RejectReason.values()) {
                if (rejected[r.ordinal()] != 0) {
                    m.put(r, rejected[r.ordinal()]);
                }
            }
        }
        return m;
    }
}
