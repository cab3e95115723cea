package io.ctstream.streams.limits;

import io.ctstream.avro.Alert;
import io.ctstream.avro.Severity;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts every overflow of a cap ({@code ctstream.limits.overflows{limit}}) and turns it into an
 * {@link Alert} when the {@link AlertLimiter} lets one through; the limiter's state lives in a
 * store of the task (one entry per limit and subject), so alerts are deterministic across restarts.
 */
public final class OverflowAlerts {
    private final KeyValueStore<String, byte[]> store;
    private final AlertLimiter limiter;
    private final MeterRegistry meters;

    public OverflowAlerts(
            KeyValueStore<String, byte[]> store, LimitsConfig limits, MeterRegistry meters) {
        this.store = store;
        this.limiter = new AlertLimiter(limits.alertIntervalMicros());
        this.meters = meters;
    }

    /**
     * One overflow of {@code limit} for {@code subject} (a master id, or the task's table).
     *
     * @param threshold overflows within one alert interval before an alert (1: the first one)
     * @param alert the alert's context (source, master, helper, sensor, evidence); id, type,
     *     severity, time and message are set here
     */
    public Optional<Alert> overflow(
            String limit,
            String alertType,
            String subject,
            long threshold,
            long nowMicros,
            Alert.Builder alert,
            String message) {
        meters.counter("ctstream.limits.overflows", "limit", limit).increment();
        String key = limit + "|" + subject;
        AlertLimiter.Decision d =
                limiter.onEvent(AlertLimiter.State.decode(store.get(key)), nowMicros, threshold);
        store.put(key, d.next().encode());
        if (!d.alert()) {
            meters.counter("ctstream.limits.alerts.suppressed", "limit", limit).increment();
            return Optional.empty();
        }
        String suppressed =
                d.suppressedBefore() == 0
                        ? ""
                        : " (" + d.suppressedBefore() + " more since the last alert)";
        return Optional.of(
                alert.setAlertId("limit/" + limit + "/" + subject + "/" + nowMicros)
                        .setType(alertType)
                        .setSeverity(Severity.WARNING)
                        .setTimestampMicros(nowMicros)
                        .setMessage(message + suppressed)
                        .build());
    }

    /** The subject is gone (a master destroyed): its limiter state with it. */
    public void forget(String limit, String subject) {
        store.delete(limit + "|" + subject);
    }
}
