package io.ctstream.capture.agent;

import io.ctstream.capture.decode.RejectReason;
import io.ctstream.capture.publish.DropReason;
import java.time.Duration;
import java.util.Map;

/**
 * What one agent run did: frames captured, decoded, rejected by reason, records published and
 * dropped by reason. {@code captured == decoded + rejected} and {@code decoded == published + dropped}
 * once the run has ended.
 */
public record CaptureTotals(long captured, long decoded, long fragments, Map<RejectReason, Long> rejected,
                            long published, Map<DropReason, Long> dropped, long producerErrors, Duration elapsed) {

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Records per second over the whole run. */
    public double publishRate() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : published / s;
    }

    /** A one-paragraph summary for the console. */
    public String describe() {
        return String.format("captured %d frames: %d decoded (%d fragments), %d rejected %s; published %d records, "
                        + "dropped %d %s, producer errors %d; %.1f s, %.0f records/s",
                captured, decoded, fragments, rejectedTotal(), rejected, published, droppedTotal(), dropped,
                producerErrors, elapsed.toNanos() / 1e9, publishRate());
    }
}
