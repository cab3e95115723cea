package io.ctstream.embedded;

import java.time.Duration;

/** How long a server may take to start; generous, because test machines share their cores. */
final class Timeouts {

    /** System property overriding {@link #ready()}, in seconds. */
    static final String READY_PROPERTY = "ctstream.embedded.ready.timeout.seconds";

    private Timeouts() {}

    static Duration ready() {
        return Duration.ofSeconds(Long.getLong(READY_PROPERTY, 300));
    }
}
