package io.ctstream.streams.helper.ftp;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.helper.ExpectedTuple;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperKind;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import java.net.InetAddress;

/**
 * The FTP expectation rule (nf_conntrack_ftp's help() after a match): the expected connection comes from
 * the master's other endpoint (source address pinned, source port wildcard) to the announced port of the
 * sender; PORT/EPRT give an ORIGINAL-direction expectation, 227/229 a REPLY one; a 229 has no address and
 * means the server's. With {@code loose=false} an announced address other than the sender's creates nothing
 * and is refused as 'ftp-bounce' with the command as evidence; with {@code loose=true} the announced address
 * is expected, as the kernel's loose=1 does.
 */
public final class FtpHelper {

    private static final String HELPER = HelperKind.FTP.helperName();

    private FtpHelper() {
    }

    /**
     * @param expectationId the id the request gets (deterministic, from the announcing position)
     * @param position      stream position of the announcing line or segment
     * @param evidence      the announcing text, escaped
     * @return an {@link ExpectationRequest} or a {@link Refusal}
     */
    public static HelperOutcome evaluate(FtpMessage message, HelperContext context, HelperConfig config,
                                         HelperMode mode, String expectationId, long position,
                                         long timestampMicros, String evidence) {
        Direction dir = message.direction();
        InetAddress sender = context.sender(dir);
        InetAddress announced = message.address() == null ? sender : message.address();
        String cmd = message.command();
        if (message.port() == 0) {
            // the kernel's try_rfc959 lets PORT/227 port 0 through; nothing can connect to it (README)
            return refusal(mode, dir, timestampMicros, position, cmd, "port-zero", null,
                cmd + " announces port 0", evidence, sender, null);
        }
        if (Addresses.ipVersion(announced) != context.ipVersion()) {
            return refusal(mode, dir, timestampMicros, position, cmd, "address-family-mismatch", AlertTypes.FTP_BOUNCE,
                cmd + " announces " + Addresses.format(announced) + " on an IPv" + context.ipVersion()
                    + " control connection from " + Addresses.format(sender), evidence, sender, null);
        }
        InetAddress peer = context.receiver(dir);
        InetAddress dst = sender;
        if (!announced.equals(sender)) {
            if (!config.ftpLoose()) {
                return refusal(mode, dir, timestampMicros, position, cmd, "address-mismatch", AlertTypes.FTP_BOUNCE,
                    cmd + " announces " + Addresses.format(announced) + " but the sender is " + Addresses.format(sender),
                    evidence, sender, ExpectedTuple.tcp(peer, announced, message.port()));
            }
            dst = announced;
        }
        return new ExpectationRequest(expectationId, HELPER, mode, context.masterId(), dir,
            ExpectedTuple.tcp(peer, dst, message.port()), config.ftpTimeoutSeconds(), timestampMicros, cmd, evidence);
    }

    private static Refusal refusal(HelperMode mode, Direction dir, long ts, long position, String cmd, String reason,
                                   String alertType, String message, String evidence, InetAddress sender,
                                   ExpectedTuple announced) {
        return new Refusal(HELPER, mode, dir, ts, position, cmd, reason, alertType, message, evidence, sender, announced);
    }
}
