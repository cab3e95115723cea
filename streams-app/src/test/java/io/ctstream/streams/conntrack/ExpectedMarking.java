package io.ctstream.streams.conntrack;

import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.CtState;
import io.ctstream.avro.StatusFlag;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Marks a connection just created as expected, as the kernel does for a connection that matched an
 * expectation (IPS_EXPECTED): status EXPECTED, its master, and RELATED. The pipeline records this
 * in the matcher's output, not in the tracker's store; the tests use it to check that the tracker
 * keeps such a connection's original-direction packets RELATED until a reply is seen.
 */
final class ExpectedMarking {
    private ExpectedMarking() {}

    /**
     * @throws IllegalArgumentException when {@code created} did not create a connection
     */
    static TrackResult markExpected(
            TrackResult created, ConnectionRef master, String expectationId, String helper) {
        if (!created.has(Change.CREATED) || created.connection() == null) {
            throw new IllegalArgumentException(
                    "only a newly created connection can be marked expected");
        }
        TrackedConnection tc = created.connection().copy();
        Connection c = tc.connection();
        List<StatusFlag> status = new ArrayList<>(c.getStatus());
        if (!status.contains(StatusFlag.EXPECTED)) {
            status.add(StatusFlag.EXPECTED);
            Collections.sort(status);
            c.setStatus(status);
        }
        c.setMaster(master);
        c.setExpectationId(expectationId);
        c.setHelper(helper);
        c.setCtState(CtState.RELATED);
        return new TrackResult(
                tc,
                PacketState.RELATED,
                created.direction(),
                created.changes(),
                created.destroyed(),
                created.destroyReason(),
                created.duplicate(),
                created.reason());
    }
}
