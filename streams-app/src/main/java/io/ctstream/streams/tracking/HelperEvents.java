package io.ctstream.streams.tracking;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.Severity;
import io.ctstream.avro.Tuple;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.helper.ConnTuple;
import io.ctstream.streams.helper.ExpectedTuple;
import io.ctstream.streams.helper.HelperOutcome;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Turns the helpers' plain-Java conclusions into the Avro events the pipeline publishes. Pure;
 * every id is deterministic (from the master connection and the stream position), so a replay or a
 * retried transaction produces the same ids.
 */
public final class HelperEvents {
    private HelperEvents() {
    }

    public static ExpectationEvent created(HelperOutcome.ExpectationRequest r, ConnectionRef master, String sensorId) {
        return ExpectationEvent.newBuilder()
                .setExpectationId(r.expectationId())
                .setType(ExpectationEventType.CREATED)
                .setTimestampMicros(r.timestampMicros())
                .setHelper(r.helper())
                .setMode(r.mode())
                .setMaster(master)
                .setExpected(expected(r.expected()))
                .setDirection(r.direction())
                .setTimeoutSeconds(r.timeoutSeconds())
                .setCreatedMicros(r.timestampMicros())
                .setExpiresAtMicros(r.expiresAtMicros())
                .setEvidence(r.evidence())
                .setSensorId(sensorId)
                .build();
    }

    /** The eviction of an expectation this master announced earlier (its CREATED event). */
    public static ExpectationEvent evicted(ExpectationEvent created, HelperOutcome.ExpectationEviction e) {
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

    /**
     * A refused announcement as a REJECTED expectation event, when it announced a usable tuple (a
     * malformed command has none: it only counts, and alerts when the helper says so).
     */
    public static ExpectationEvent rejected(HelperOutcome.Refusal r, ConnectionRef master, String sensorId) {
        if (r.announced() == null) {
            return null;
        }
        return ExpectationEvent.newBuilder()
                .setExpectationId(master.getConnectionId() + ":" + r.direction().name().charAt(0) + ":" + r.position() + ":rejected")
                .setType(ExpectationEventType.REJECTED)
                .setTimestampMicros(r.timestampMicros())
                .setHelper(r.helper())
                .setMode(r.mode())
                .setMaster(master)
                .setExpected(expected(r.announced()))
                .setDirection(r.direction())
                .setTimeoutSeconds(0)
                .setCreatedMicros(r.timestampMicros())
                .setExpiresAtMicros(r.timestampMicros())
                .setReason(r.reason())
                .setEvidence(r.evidence())
                .setSensorId(sensorId)
                .build();
    }

    public static Alert refusalAlert(HelperOutcome.Refusal r, ConnectionRef master, String sensorId) {
        if (r.alertType() == null) {
            return null;
        }
        return Alert.newBuilder()
                .setAlertId(master.getConnectionId() + ":" + r.alertType() + ":" + r.direction().name().charAt(0) + ":" + r.position())
                .setType(r.alertType())
                .setSeverity(Severity.CRITICAL)
                .setTimestampMicros(r.timestampMicros())
                .setHelper(r.helper())
                .setSource(r.sender() == null ? null : ByteBuffer.wrap(r.sender().getAddress()))
                .setMaster(master)
                .setAnnounced(r.announced() == null ? null : expected(r.announced()))
                .setMessage(r.message())
                .setEvidence(r.evidence())
                .setSensorId(sensorId)
                .build();
    }

    public static Alert kernelDropAlert(HelperOutcome.KernelWouldDrop d, ConnectionRef master, InetAddress sender,
                                        String sensorId) {
        return Alert.newBuilder()
                .setAlertId(master.getConnectionId() + ":" + AlertTypes.KERNEL_DROP + ":" + d.direction().name().charAt(0) + ":" + d.seq())
                .setType(AlertTypes.KERNEL_DROP)
                .setSeverity(Severity.INFO)
                .setTimestampMicros(d.timestampMicros())
                .setHelper(d.helper())
                .setSource(sender == null ? null : ByteBuffer.wrap(sender.getAddress()))
                .setMaster(master)
                .setMessage(d.message())
                .setEvidence(d.evidence())
                .setSensorId(sensorId)
                .build();
    }

    public static Alert lineOverflowAlert(HelperOutcome.LineOverflow o, ConnectionRef master, InetAddress sender,
                                          String sensorId) {
        return Alert.newBuilder()
                .setAlertId(master.getConnectionId() + ":" + AlertTypes.LINE_OVERFLOW + ":" + o.direction().name().charAt(0) + ":" + o.lineStartSeq())
                .setType(AlertTypes.LINE_OVERFLOW)
                .setSeverity(Severity.WARNING)
                .setTimestampMicros(o.timestampMicros())
                .setHelper(o.helper())
                .setSource(sender == null ? null : ByteBuffer.wrap(sender.getAddress()))
                .setMaster(master)
                .setMessage("control line longer than the " + o.limitBytes() + "-byte line buffer; discarded")
                .setEvidence(o.evidence())
                .setSensorId(sensorId)
                .build();
    }

    public static io.ctstream.avro.ExpectedTuple expected(ExpectedTuple t) {
        return io.ctstream.avro.ExpectedTuple.newBuilder()
                .setIpVersion(t.ipVersion())
                .setProtocol(t.protocol())
                .setSrc(t.src() == null ? null : ByteBuffer.wrap(t.src().getAddress()))
                .setSrcPort(t.srcPort())
                .setDst(ByteBuffer.wrap(t.dst().getAddress()))
                .setDstPort(t.dstPort())
                .build();
    }

    public static ConnTuple connTuple(Tuple t) {
        try {
            return new ConnTuple(t.getIpVersion(), t.getProtocol(),
                    InetAddress.getByAddress(io.ctstream.schemas.FlowKeys.bytes(t.getSrc())), t.getSrcPort(),
                    InetAddress.getByAddress(io.ctstream.schemas.FlowKeys.bytes(t.getDst())), t.getDstPort());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("bad address length in tuple", e);
        }
    }
}
