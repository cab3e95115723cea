package io.ctstream.enforcement.agent;

import io.ctstream.avro.VerdictMatch;

/**
 * Told of every pinhole the agent has just put in, or taken out of, the gateway's table: for the
 * SYN hold ({@code hold.SynHoldQueue}), which releases a waiting first packet the moment its
 * pinhole is there.
 */
public interface PinholeListener {
    PinholeListener NONE =
            new PinholeListener() {
                @Override
                public void applied(VerdictMatch match) {}

                @Override
                public void removed(VerdictMatch match) {}
            };

    /** An ALLOW's element is in the table. */
    void applied(VerdictMatch match);

    /** A REVOKE's elements are out of the table. */
    void removed(VerdictMatch match);
}
