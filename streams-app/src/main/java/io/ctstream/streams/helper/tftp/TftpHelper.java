package io.ctstream.streams.helper.tftp;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.ConnTuple;
import io.ctstream.streams.helper.ConntrackHelper;
import io.ctstream.streams.helper.Evidence;
import io.ctstream.streams.helper.ExpectedTuple;
import io.ctstream.streams.helper.HelperCall;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import io.ctstream.streams.helper.HelperPolicy;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.HelperState;
import io.ctstream.streams.helper.ParseResult;
import java.io.DataInput;
import java.util.Set;

/**
 * The TFTP helper (nf_conntrack_tftp). A read or write request to the server's port 69 opens the
 * transfer, which the server answers from a new port of its own: the kernel expects a UDP
 * connection from the server's address (any source port) to the client's address and port, the
 * master's reply tuple with the source port wildcarded. It remembers nothing but the expectation,
 * which the channel core keeps.
 *
 * <p>KERNEL mode does what tftp_help() does: any datagram of the master, in either direction, whose
 * first two bytes are opcode 1 (RRQ) or 2 (WRQ) creates the expectation, whatever follows. ROBUST
 * mode wants a well-formed request ({@link TftpRequestParser}) from the client; a malformed one is
 * refused (no alert: it is not an attack on the firewall, the server will answer it with an ERROR),
 * a request sent by the server is ignored.
 */
public final class TftpHelper implements ConntrackHelper {

    public static final String NAME = "tftp";

    /** The kernel module's defaults: port 69, max_expected 1, 300 s (tftp_exp_policy). */
    public static final HelperPolicy DEFAULT_POLICY =
            new HelperPolicy(Set.of(69), false, 1, 300, true);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int protocol() {
        return UDP;
    }

    @Override
    public HelperPolicy defaultPolicy() {
        return DEFAULT_POLICY;
    }

    @Override
    public Set<String> alertTypes() {
        return Set.of();
    }

    @Override
    public HelperState newState(HelperMode mode, HelperConfig config) {
        return HelperState.NONE;
    }

    @Override
    public HelperState readState(DataInput in, HelperMode mode, HelperConfig config) {
        return HelperState.NONE;
    }

    @Override
    public void onSegment(
            HelperState state, Direction dir, HelperSegment datagram, HelperCall call) {
        byte[] payload = datagram.payload();
        long position = call.packetIndex();
        long ts = datagram.timestampMicros();
        String command;
        if (call.mode() == HelperMode.KERNEL) {
            int opcode = TftpRequestParser.opcode(payload);
            if (opcode != TftpRequestParser.RRQ && opcode != TftpRequestParser.WRQ) {
                return;
            }
            command = opcode == TftpRequestParser.RRQ ? "RRQ" : "WRQ";
        } else {
            if (dir != Direction.ORIGINAL) {
                return;
            }
            ParseResult<TftpRequest> r = TftpRequestParser.parse(payload);
            if (r instanceof ParseResult.Rejected<TftpRequest> rej) {
                call.report(
                        new Refusal(
                                NAME,
                                call.mode(),
                                dir,
                                ts,
                                position,
                                "RRQ/WRQ",
                                rej.reason(),
                                null,
                                rej.detail(),
                                Evidence.of(payload),
                                call.context().sender(dir),
                                null));
                return;
            }
            if (!(r instanceof ParseResult.Parsed<TftpRequest> p)) {
                return;
            }
            command = p.value().command();
        }
        // the master's reply tuple, source port wildcarded: the server answers from a port of its
        // own choosing
        ConnTuple reply = call.context().tuple(Direction.REPLY);
        call.decide(
                new ExpectationRequest(
                        call.expectationId(dir, position),
                        NAME,
                        call.mode(),
                        call.context().masterId(),
                        dir,
                        ExpectedTuple.udp(reply.src(), reply.dst(), reply.dstPort()),
                        call.policy().timeoutSeconds(),
                        ts,
                        command,
                        Evidence.of(payload)));
    }
}
