package io.ctstream.streams.errors;

import java.io.EOFException;
import java.util.Locale;

/**
 * A short, stable, low-cardinality reason for a rejected record, used as a metric tag and a
 * dead-letter header. The serde's messages name the fault; this maps them to a fixed vocabulary.
 */
final class RejectionReason {
    private RejectionReason() {}

    static String of(Throwable error) {
        if (error instanceof RejectedRecordException r) {
            return r.reason();
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("magic byte")) {
                return "unknown-magic-byte";
            }
            if (m.contains("schema id") && (m.contains("unknown") || m.contains("not found"))) {
                return "unknown-schema-id";
            }
            if (m.contains("truncated") || m.contains("too short") || t instanceof EOFException) {
                return "truncated";
            }
            if (m.contains("registry")) {
                return "registry-error";
            }
        }
        String name = error.getClass().getSimpleName();
        if (name.contains("Serialization")) {
            return "undecodable";
        }
        return "processing-error";
    }
}
