package io.ctstream.streams.helper;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.Direction;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.Severity;
import io.ctstream.avro.Tuple;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.KernelWouldDrop;
import io.ctstream.streams.helper.HelperOutcome.LineOverflow;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Maps helper outcomes to the Avro contract (ExpectationEvent, Alert, ExpectedTuple, Tuple). Pure;
 * the topology decides where they go. Alert ids are deterministic: master, type, direction and
 * stream position (plus the event time for kernel drops, since a retransmission is dropped again at
 * the same position).
 */
public final class HelperAvro {

    private HelperAvro() {}

    public static io.ctstream.avro.ExpectedTuple toAvro(
            ExpectedTuple t) { // qualified: helper's ExpectedTuple too
        return io.ctstream.avro.ExpectedTuple.newBuilder() // qualified: as above
                .setIpVersion(t.ipVersion())
                .setProtocol(t.protocol())
                .setSrc(t.src() == null ? null : bytes(t.src()))
                .setSrcPort(t.srcPort())
                .setDst(bytes(t.dst()))
                .setDstPort(t.dstPort())
                .build();
    }

    public static Tuple toAvro(ConnTuple t) {
        return Tuple.newBuilder()
                .setIpVersion(t.ipVersion())
                .setProtocol(t.protocol())
                .setSrc(bytes(t.src()))
                .setSrcPort(t.srcPort())
                .setDst(bytes(t.dst()))
                .setDstPort(t.dstPort())
                .build();
    }

    /** The master as a ConnectionRef. */
    public static ConnectionRef master(HelperContext context) {
        return ConnectionRef.newBuilder()
                .setConnectionId(context.masterId())
                .setOrig(toAvro(context.orig()))
                .build();
    }

    /** The CREATED event of a request. */
    public static ExpectationEvent created(
            ExpectationRequest r, HelperContext context, String sensorId) {
        return ExpectationEvent.newBuilder()
                .setExpectationId(r.expectationId())
                .setType(ExpectationEventType.CREATED)
                .setTimestampMicros(r.timestampMicros())
                .setHelper(r.helper())
                .setMode(r.mode())
                .setMaster(master(context))
                .setExpected(toAvro(r.expected()))
                .setDirection(r.direction())
                .setTimeoutSeconds(r.timeoutSeconds())
                .setCreatedMicros(r.timestampMicros())
                .setExpiresAtMicros(r.expiresAtMicros())
                .setEvidence(r.evidence())
                .setSensorId(sensorId)
                .build();
    }

    /**
     * The REJECTED event of a refusal that announced a usable tuple (bounce, forged DCC); empty
     * otherwise.
     */
    public static Optional<ExpectationEvent> rejected(
            Refusal r, HelperContext context, String sensorId) {
        if (r.announced() == null) {
            return Optional.empty();
        }
        return Optional.of(
                ExpectationEvent.newBuilder()
                        .setExpectationId(
                                context.masterId()
                                        + "/"
                                        + dir(r.direction())
                                        + "/"
                                        + r.position()
                                        + "/rejected")
                        .setType(ExpectationEventType.REJECTED)
                        .setTimestampMicros(r.timestampMicros())
                        .setHelper(r.helper())
                        .setMode(r.mode())
                        .setMaster(master(context))
                        .setExpected(toAvro(r.announced()))
                        .setDirection(r.direction())
                        .setTimeoutSeconds(0)
                        .setCreatedMicros(r.timestampMicros())
                        .setExpiresAtMicros(r.timestampMicros())
                        .setReason(r.reason())
                        .setEvidence(r.evidence())
                        .setSensorId(sensorId)
                        .build());
    }

    /** The Alert an outcome raises, if any. */
    public static Optional<Alert> alert(HelperOutcome o, HelperContext context, String sensorId) {
        Alert.Builder a =
                Alert.newBuilder()
                        .setHelper(o.helper())
                        .setTimestampMicros(o.timestampMicros())
                        .setMaster(master(context))
                        .setSource(bytes(context.sender(o.direction())))
                        .setSensorId(sensorId);
        String base = context.masterId() + "/" + dir(o.direction()) + "/";
        if (o instanceof Refusal r && r.alertType() != null) {
            return Optional.of(
                    a.setAlertId(base + r.position() + "/" + r.alertType())
                            .setType(r.alertType())
                            .setSeverity(Severity.CRITICAL)
                            .setAnnounced(r.announced() == null ? null : toAvro(r.announced()))
                            .setMessage(r.message())
                            .setEvidence(r.evidence())
                            .build());
        }
        if (o instanceof KernelWouldDrop d) {
            return Optional.of(
                    a.setAlertId(
                                    base
                                            + d.seq()
                                            + "/"
                                            + AlertTypes.KERNEL_DROP
                                            + "/"
                                            + d.timestampMicros())
                            .setType(AlertTypes.KERNEL_DROP)
                            .setSeverity(Severity.WARNING)
                            .setMessage(
                                    "the Linux "
                                            + d.helper()
                                            + " helper would drop this packet: "
                                            + d.message())
                            .setEvidence(d.evidence())
                            .build());
        }
        if (o instanceof LineOverflow l) {
            return Optional.of(
                    a.setAlertId(base + l.lineStartSeq() + "/" + AlertTypes.LINE_OVERFLOW)
                            .setType(AlertTypes.LINE_OVERFLOW)
                            .setSeverity(Severity.WARNING)
                            .setMessage(
                                    "control line longer than "
                                            + l.limitBytes()
                                            + " bytes, discarded")
                            .setEvidence(l.evidence())
                            .build());
        }
        return Optional.empty();
    }

    private static String dir(Direction d) {
        return d == Direction.ORIGINAL ? "o" : "r";
    }

    private static ByteBuffer bytes(InetAddress a) {
        return ByteBuffer.wrap(a.getAddress());
    }
}
