package io.ctstream.streams.tracking;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.Tuple;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.streams.helper.ConnTuple;
import io.ctstream.streams.helper.HelperOutcome;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The lifecycle events the tracker derives from an expectation's CREATED event (eviction by a newer
 * one of the same master, death with the master), and the tuple conversion the helpers need. The
 * helpers' own outcomes become Avro in {@link io.ctstream.streams.helper.HelperAvro}.
 */
public final class HelperEvents {
    private HelperEvents() {}

    /** The eviction of an expectation this master announced earlier (its CREATED event). */
    public static ExpectationEvent evicted(
            ExpectationEvent created, HelperOutcome.ExpectationEviction e) {
        return ExpectationEvent.newBuilder(created)
                .setType(ExpectationEventType.EVICTED)
                .setTimestampMicros(e.timestampMicros())
                .setReason(e.reason())
                .build();
    }

    /** The end of an expectation because its master connection is gone. */
    public static ExpectationEvent masterDestroyed(ExpectationEvent created, long atMicros) {
        return ExpectationEvent.newBuilder(created)
                .setType(ExpectationEventType.MASTER_DESTROYED)
                .setTimestampMicros(atMicros)
                .setReason("master-destroyed")
                .build();
    }

    public static ConnTuple connTuple(Tuple t) {
        try {
            return new ConnTuple(
                    t.getIpVersion(),
                    t.getProtocol(),
                    InetAddress.getByAddress(FlowKeys.bytes(t.getSrc())),
                    t.getSrcPort(),
                    InetAddress.getByAddress(FlowKeys.bytes(t.getDst())),
                    t.getDstPort());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address length in tuple", e);
        }
    }
}
