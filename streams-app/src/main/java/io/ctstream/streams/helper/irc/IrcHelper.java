package io.ctstream.streams.helper.irc;

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
 * The IRC DCC expectation rule (nf_conntrack_irc's help() after a parse): the offer must announce the
 * sender's own address and a non-zero port, else "Forged DCC command" and nothing is expected; the
 * expectation has a wildcard source (anybody may connect) to the sender's address and the announced port,
 * in the ORIGINAL direction. With {@code ircLoose} (ctstream's switch; the kernel has none) an announced
 * address other than the sender's is expected. In ROBUST mode port 0 (reverse or "passive" DCC, where the
 * other side listens) is refused without a forgery alert; in KERNEL mode it is forged, as in the kernel.
 */
public final class IrcHelper {

    private static final String HELPER = HelperKind.IRC.helperName();

    private IrcHelper() {
    }

    public static HelperOutcome evaluate(DccOffer offer, HelperContext context, HelperConfig config, HelperMode mode,
                                         String expectationId, long position, long timestampMicros, String evidence) {
        Direction dir = Direction.ORIGINAL;
        InetAddress sender = context.sender(dir);
        InetAddress announced = offer.address();
        String cmd = "DCC " + offer.type();
        String forgedMessage = "Forged DCC command from " + Addresses.format(sender) + ": "
            + Addresses.format(announced) + ":" + offer.port();
        if (offer.port() == 0) {
            return mode == HelperMode.KERNEL
                ? refusal(mode, timestampMicros, position, cmd, "port-zero", AlertTypes.FORGED_DCC, forgedMessage, evidence, sender)
                : refusal(mode, timestampMicros, position, cmd, "port-zero", null,
                    cmd + " announces port 0 (reverse DCC: the receiver listens)", evidence, sender);
        }
        // dcc_ip can be the sender's address or the NATed one (ct->tuplehash[!dir].tuple.dst)
        InetAddress natted = context.tuple(Direction.REPLY).dst();
        InetAddress dst = context.tuple(Direction.REPLY).dst();
        if (!announced.equals(sender) && !announced.equals(natted)) {
            if (!config.ircLoose() || Addresses.ipVersion(announced) != context.ipVersion()) {
                return new Refusal(HELPER, mode, dir, timestampMicros, position, cmd, "address-mismatch",
                    AlertTypes.FORGED_DCC, forgedMessage, evidence, sender, ExpectedTuple.tcp(null, announced, offer.port()));
            }
            dst = announced;
        }
        return new ExpectationRequest(expectationId, HELPER, mode, context.masterId(), dir,
            ExpectedTuple.tcp(null, dst, offer.port()), config.ircTimeoutSeconds(), timestampMicros, cmd, evidence);
    }

    private static Refusal refusal(HelperMode mode, long ts, long position, String cmd, String reason, String alertType,
                                   String message, String evidence, InetAddress sender) {
        return new Refusal(HELPER, mode, Direction.ORIGINAL, ts, position, cmd, reason, alertType, message, evidence,
            sender, null);
    }
}
