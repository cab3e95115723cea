package io.ctstream.capture.agent;

import io.ctstream.capture.decode.RejectReason;
import io.ctstream.capture.publish.DropReason;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What one agent run did: frames captured, decoded, rejected by reason, packets published (in how
 * many records: a record carries a batch of one flow's packets) and packets dropped by reason.
 * {@code captured == decoded + rejected} and {@code decoded == published + dropped} (packets) once
 * the run has ended.
 */
public record CaptureTotals(
        long captured,
        long decoded,
        long fragments,
        Map<RejectReason, Long> rejected,
        long published,
        long records,
        Map<DropReason, Long> dropped,
        long producerErrors,
        Duration elapsed) {

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Packets published per second over the whole run. */
    public double publishRate() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : published / s;
    }

    /** Records published per second over the whole run. */
    public double recordRate() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : records / s;
    }

    /** Packets per published record (1 without batching). */
    public double packetsPerRecord() {
        return records == 0 ? 0 : (double) published / records;
    }

    /** A one-paragraph summary for the console. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "captured %d frames: %d decoded (%d fragments), %d rejected %s; "
                        + "published %d packets in %d records (%.2f packets/record), dropped %d packets %s, "
                        + "producer errors %d; %.1f s, %.0f packets/s",
                captured,
                decoded,
                fragments,
                rejectedTotal(),
                rejected,
                published,
                records,
                packetsPerRecord(),
                droppedTotal(),
                dropped,
                producerErrors,
                elapsed.toNanos() / 1e9,
                publishRate());
    }
}
