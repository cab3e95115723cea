package io.ctstream.streams.conntrack.tcp;

import static io.ctstream.streams.conntrack.tcp.TcpStateTable.ACK_SET;
import static io.ctstream.streams.conntrack.tcp.TcpStateTable.FIN_SET;
import static io.ctstream.streams.conntrack.tcp.TcpStateTable.IG;
import static io.ctstream.streams.conntrack.tcp.TcpStateTable.IV;
import static io.ctstream.streams.conntrack.tcp.TcpStateTable.NONE_SET;
import static io.ctstream.streams.conntrack.tcp.TcpStateTable.RST_SET;
import static io.ctstream.streams.conntrack.tcp.TcpStateTable.SYNACK_SET;
import static io.ctstream.streams.conntrack.tcp.TcpStateTable.SYN_SET;

import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.TcpState;
import io.ctstream.streams.conntrack.ConntrackConfig;
import io.ctstream.streams.conntrack.state.TcpPeer;
import io.ctstream.streams.conntrack.state.TcpTracking;
import java.time.Duration;

/**
 * A port of the kernel's TCP connection tracker (net/netfilter/nf_conntrack_proto_tcp.c, Linux
 * 6.x): tcp_error's flag check, tcp_new(), nf_conntrack_tcp_packet() and tcp_in_window(). Sequence
 * numbers are 32-bit ints compared modulo 2^32 like the kernel's before()/after().
 *
 * <p>Not ported: checksum validation (the capture agent sees only valid packets or reports its own
 * errors), NAT sequence adjustment (no NAT here), SYN proxy, per-connection timeout policies.
 */
public final class TcpConntrack {

    private static final int MAXACKWINCONST = 66000;
    private static final int MAX_WSCALE = 14;

    private final ConntrackConfig config;

    /**
     * Whether an acknowledgement of data the sensor never saw is a capture gap rather than an
     * INVALID packet: see {@link #TcpConntrack(ConntrackConfig, boolean)}.
     */
    private final boolean captureGaps;

    public TcpConntrack(ConntrackConfig config) {
        this(config, false);
    }

    /**
     * @param captureGaps false: the kernel's window tracking, where a packet acknowledging data not
     *     seen yet is INVALID ("ACK is over upper bound") and, since an INVALID packet moves
     *     nothing, so is every later packet of both directions once a segment is missing from the
     *     capture: a passive sensor's gap stops the connection's tracking (and its helper) for
     *     good, as it would stop a kernel that never received the segment. true (robust helper
     *     mode): such an acknowledgement proves the receiver got data the sensor missed; the
     *     receiver's data end moves up to it and the packet is tracked as usual
     */
    public TcpConntrack(ConntrackConfig config, boolean captureGaps) {
        this.captureGaps = captureGaps;
        this.config = config;
    }

    /**
     * tcp_error(): the flag combinations the kernel rejects as INVALID before any lookup; null when
     * valid.
     */
    public static String error(PacketRecord p) {
        if (!TcpFlags.validCombination(p.getTcpFlags())) {
            return "invalid tcp flag combination " + TcpFlags.describe(p.getTcpFlags());
        }
        return null;
    }

    /**
     * tcp_new(): the tracking state for a connection opened by this packet (original direction), or
     * null when the packet cannot open one ("invalid new": a SYN/ACK, FIN, RST or flagless packet;
     * or a mid-stream packet with tcp_loose off).
     */
    public TcpTracking newTracking(PacketRecord p) {
        int index = TcpStateTable.index(p.getTcpFlags());
        int newState = TcpStateTable.next(0, index, TcpStateTable.NO);
        if (newState >= IV) {
            return null;
        }
        TcpTracking t = fresh();
        TcpPeer orig = t.getOriginal();
        int end = end(p);
        int win = p.getTcpWindow();
        orig.setTdEnd(end);
        orig.setTdMaxWin(win == 0 ? 1 : win);
        if (newState == TcpStateTable.SS) {
            orig.setTdMaxEnd(end);
            options(p, orig);
        } else if (!config.tcpLoose()) {
            return null;
        } else {
            // Picked up in the middle: its history is lost for us. Assume SACK and be liberal to
            // cope with window scaling.
            orig.setTdMaxEnd(end + orig.getTdMaxWin());
            orig.setFlags(TcpFlags.CT_SACK_PERM | TcpFlags.CT_BE_LIBERAL);
            t.getReply().setFlags(TcpFlags.CT_SACK_PERM | TcpFlags.CT_BE_LIBERAL);
        }
        t.setLastIndex(NONE_SET);
        return t;
    }

    /** A zeroed ip_ct_tcp. */
    public static TcpTracking fresh() {
        return TcpTracking.newBuilder()
                .setOriginal(new TcpPeer(0, 0, 0, 0, 0, 0))
                .setReply(new TcpPeer(0, 0, 0, 0, 0, 0))
                .setLastIndex(NONE_SET)
                .build();
    }

    /**
     * nf_conntrack_tcp_packet(): moves {@code t} (modified in place) for one packet.
     *
     * @param t the tracking state (modified)
     * @param current the connection's TCP state before the packet
     * @param dir 0 original, 1 reply
     * @param seenReply IPS_SEEN_REPLY before this packet
     * @param assured IPS_ASSURED before this packet
     * @param nowMicros stream time of the packet
     * @param timeoutAtMicros the connection's current absolute timeout
     */
    public TcpOutcome packet(
            TcpTracking t,
            TcpState current,
            int dir,
            PacketRecord p,
            boolean seenReply,
            boolean assured,
            long nowMicros,
            long timeoutAtMicros) {
        int oldState = current.ordinal();
        int index = TcpStateTable.index(p.getTcpFlags());
        int newState = TcpStateTable.next(dir, index, oldState);
        int seq = (int) p.getTcpSeq();
        int ackSeq = (int) p.getTcpAck();
        boolean skipWindow = false;

        if (newState == TcpStateTable.SS && oldState >= TcpStateTable.TW) {
            // RFC 1122 reopen from TIME_WAIT/CLOSE, or a client aborting and starting over.
            if (((peer(t, dir).getFlags() | peer(t, 1 - dir).getFlags()) & TcpFlags.CT_CLOSE_INIT)
                            != 0
                    || (t.getLastDir() == dir && t.getLastIndex() == RST_SET)) {
                return new TcpOutcome(
                        TcpOutcome.Action.REOPEN,
                        current,
                        -1,
                        false,
                        false,
                        -1,
                        "SYN reopens a closed connection");
            }
            newState = IG; // falls through to the ignore handling, like the kernel
        }

        if (newState == IG) {
            if (index == SYNACK_SET
                    && t.getLastIndex() == SYN_SET
                    && t.getLastDir() != dir
                    && ackSeq == t.getLastEnd()) {
                // This SYN/ACK acknowledges a SYN we ignored: client and server are in sync, we are
                // not. Resync from the
                // annotated SYN.
                oldState = TcpStateTable.SS;
                newState = TcpStateTable.SR;
                TcpPeer last = peer(t, t.getLastDir());
                last.setTdEnd(t.getLastEnd());
                last.setTdMaxEnd(t.getLastEnd());
                last.setTdMaxWin(t.getLastWin() == 0 ? 1 : t.getLastWin());
                last.setTdScale(t.getLastWscale());
                t.setLastFlags(t.getLastFlags() & ~TcpFlags.CT_EXP_CHALLENGE_ACK);
                last.setFlags(t.getLastFlags());
                reset(peer(t, dir));
            } else {
                t.setLastIndex(index);
                t.setLastDir(dir);
                t.setLastSeq(seq);
                t.setLastEnd(end(p));
                t.setLastWin(p.getTcpWindow());
                if (index == SYN_SET && dir == 0) {
                    // A SYN in ORIGINAL that may be valid for the endpoints: remember its options
                    // to resync on the SYN/ACK.
                    int lastFlags = 0;
                    int lastWscale = 0;
                    if (p.getTcpWindowScale() >= 0) {
                        lastFlags |= TcpFlags.CT_WINDOW_SCALE;
                        lastWscale = Math.min(p.getTcpWindowScale(), MAX_WSCALE);
                    }
                    if (p.getTcpSackPermitted()) {
                        lastFlags |= TcpFlags.CT_SACK_PERM;
                    }
                    if (oldState == TcpStateTable.LA) {
                        // An ACK answering it may be an RFC 5961 challenge ACK, not the ACK of the
                        // last FIN.
                        lastFlags |= TcpFlags.CT_EXP_CHALLENGE_ACK;
                    }
                    t.setLastFlags(lastFlags);
                    t.setLastWscale(lastWscale);
                }
                if (oldState == TcpStateTable.SS && index == ACK_SET && dir == 1) {
                    t.setLastAck(ackSeq); // possible challenge ACK answering the SYN
                }
                return TcpOutcome.ignore(
                        current,
                        "packet (index "
                                + index
                                + ") in dir "
                                + dir
                                + " ignored, state "
                                + current);
            }
        } else if (newState == IV) {
            return TcpOutcome.invalid(
                    current,
                    "packet (index " + index + ") in dir " + dir + " invalid, state " + current);
        } else if (newState == TcpStateTable.TW) {
            if (oldState == TcpStateTable.LA
                    && index == ACK_SET
                    && t.getLastDir() != dir
                    && t.getLastIndex() == SYN_SET
                    && (t.getLastFlags() & TcpFlags.CT_EXP_CHALLENGE_ACK) != 0) {
                t.setLastFlags(t.getLastFlags() & ~TcpFlags.CT_EXP_CHALLENGE_ACK);
                return TcpOutcome.ignore(current, "challenge-ack ignored");
            }
        } else if (newState == TcpStateTable.S2) {
            t.setLastFlags(t.getLastFlags() | TcpFlags.CT_SIMULTANEOUS_OPEN);
        } else if (newState == TcpStateTable.SR) {
            if (dir == 1
                    && index == ACK_SET
                    && (t.getLastFlags() & TcpFlags.CT_SIMULTANEOUS_OPEN) != 0) {
                newState = TcpStateTable.ES;
            }
        } else if (newState == TcpStateTable.CL && index == RST_SET) {
            RstCheck rst = checkRst(t, current, dir, seq, ackSeq, seenReply, assured);
            if (rst == RstCheck.INVALID) {
                return TcpOutcome.invalid(current, "invalid rst");
            }
            if (rst == RstCheck.KEEP_STATE) {
                newState = oldState;
            } else if (rst == RstCheck.SKIP_WINDOW) {
                skipWindow = true;
            }
        }

        if (!skipWindow) {
            WindowVerdict w = inWindow(t, current, dir, index, p);
            if (w.verdict == Verdict.IGNORE) {
                return TcpOutcome.ignore(current, w.reason);
            }
            if (w.verdict == Verdict.INVALID) {
                long lowered = handleInvalid(t, dir, index, assured, nowMicros, timeoutAtMicros);
                return new TcpOutcome(
                        TcpOutcome.Action.INVALID, current, -1, false, false, lowered, w.reason);
            }
        }

        // From now on we have an in-window packet.
        t.setLastIndex(index);
        t.setLastDir(dir);
        TcpState next = TcpStateTable.state(newState);
        if (oldState != newState && newState == TcpStateTable.FW) {
            TcpPeer sender = peer(t, dir);
            sender.setFlags(sender.getFlags() | TcpFlags.CT_CLOSE_INIT);
        }

        ConntrackConfig.TcpTimeouts to = config.tcpTimeouts();
        Duration stateTimeout = to.of(next);
        Duration timeout;
        if (t.getRetrans() >= config.tcpMaxRetrans() && stateTimeout.compareTo(to.retrans()) > 0) {
            timeout = to.retrans();
        } else if (index == RST_SET) {
            timeout = to.close();
        } else if (((t.getOriginal().getFlags() | t.getReply().getFlags())
                                & TcpFlags.CT_DATA_UNACKNOWLEDGED)
                        != 0
                && stateTimeout.compareTo(to.unacknowledged()) > 0) {
            timeout = to.unacknowledged();
        } else if (t.getLastWin() == 0 && stateTimeout.compareTo(to.retrans()) > 0) {
            timeout = to.retrans();
        } else {
            timeout = stateTimeout;
        }

        boolean assure = false;
        if (!seenReply) {
            if ((p.getTcpFlags() & TcpFlags.RST) != 0) {
                // Only reply is an RST: not an established connection, delete it at once (after
                // accounting the packet).
                return new TcpOutcome(
                        TcpOutcome.Action.ACCEPT, next, micros(timeout), false, true, -1, null);
            }
            if (index == SYN_SET && oldState == TcpStateTable.SS) {
                // Do not renew the timeout (nor count) a SYN retransmit: port reuse would keep the
                // entry alive forever.
                return new TcpOutcome(TcpOutcome.Action.ACCEPT, next, -1, false, false, -1, null);
            }
            if (newState == TcpStateTable.ES && timeout.compareTo(to.unacknowledged()) > 0) {
                timeout = to.unacknowledged(); // picked up mid-stream without a reply: no 5-day
                // timeout
            }
        } else if (!assured
                && (oldState == TcpStateTable.SR || oldState == TcpStateTable.ES)
                && newState == TcpStateTable.ES) {
            assure = true;
        }
        return new TcpOutcome(
                TcpOutcome.Action.ACCEPT, next, micros(timeout), assure, false, -1, null);
    }

    private enum RstCheck {
        WINDOW,
        SKIP_WINDOW,
        KEEP_STATE,
        INVALID
    }

    /** The TCP_CONNTRACK_CLOSE case of nf_conntrack_tcp_packet() for an RST. */
    private RstCheck checkRst(
            TcpTracking t,
            TcpState current,
            int dir,
            int seq,
            int ackSeq,
            boolean seenReply,
            boolean assured) {
        if (canEarlyDrop(current)) {
            return RstCheck
                    .SKIP_WINDOW; // closing: the tuple may be reused already, skip validation
        }
        boolean established = current == TcpState.ESTABLISHED && assured;
        TcpPeer receiver = peer(t, 1 - dir);
        if ((receiver.getFlags() & TcpFlags.CT_MAXACK_SET) != 0 && t.getLastIndex() != SYN_SET) {
            if (seq == 0 && !established) {
                return RstCheck.WINDOW; // most likely the answer to a SYN we let through
            }
            if (before(seq, receiver.getTdMaxAck()) && !config.tcpIgnoreInvalidRst()) {
                return RstCheck.INVALID;
            }
            if (!established || seq == receiver.getTdMaxAck()) {
                return RstCheck.WINDOW;
            }
            if (t.getLastIndex() == ACK_SET && t.getLastDir() == dir && seq == t.getLastEnd()) {
                return RstCheck.WINDOW; // RST right after the sender's last data segment
            }
            // The RST sequence number does not match exactly: keep the state to allow a challenge
            // ACK. (The kernel goes on
            // to the two "RST after something we let through" tests, but on an established, assured
            // connection neither
            // can hold: they need !ASSURED, last_index == SYN, or SYN_SENT.)
            return RstCheck.KEEP_STATE;
        }
        return rstAfterIgnored(t, current, seq, ackSeq, seenReply, assured)
                ? RstCheck.SKIP_WINDOW
                : RstCheck.WINDOW;
    }

    /**
     * RST answering a SYN or ACK we let through while out of sync (or a challenge ACK): skip the
     * window check.
     */
    private static boolean rstAfterIgnored(
            TcpTracking t,
            TcpState current,
            int seq,
            int ackSeq,
            boolean seenReply,
            boolean assured) {
        if (((seenReply && t.getLastIndex() == SYN_SET)
                        || (!assured && t.getLastIndex() == ACK_SET))
                && ackSeq == t.getLastEnd()) {
            return true;
        }
        return current == TcpState.SYN_SENT
                && t.getLastIndex() == ACK_SET
                && t.getLastDir() == 1
                && seq == t.getLastAck();
    }

    private static boolean canEarlyDrop(TcpState s) {
        return switch (s) {
            case FIN_WAIT, LAST_ACK, TIME_WAIT, CLOSE, CLOSE_WAIT -> true;
            default -> false;
        };
    }

    /**
     * nf_tcp_handle_invalid(): an out-of-window FIN/RST answering the other side's FIN/RST on an
     * ASSURED connection shortens its timeout to the unacknowledged timeout. Returns the new
     * absolute timeout or -1.
     */
    private long handleInvalid(
            TcpTracking t, int dir, int index, boolean assured, long now, long timeoutAt) {
        if (!assured || (index != RST_SET && index != FIN_SET)) {
            return -1;
        }
        if (t.getLastDir() != dir && (t.getLastIndex() == FIN_SET || t.getLastIndex() == RST_SET)) {
            long expires = timeoutAt - now;
            if (expires < 120_000_000L) {
                return -1;
            }
            long unack = micros(config.tcpTimeouts().unacknowledged());
            return expires > unack ? now + unack : -1;
        }
        t.setLastIndex(index);
        t.setLastDir(dir);
        return -1;
    }

    private enum Verdict {
        ACCEPT,
        IGNORE,
        INVALID
    }

    private record WindowVerdict(Verdict verdict, String reason) {}

    private static final WindowVerdict ACCEPTED = new WindowVerdict(Verdict.ACCEPT, null);

    /** tcp_in_window(): window tracking. Updates sender/receiver data of {@code t}. */
    private WindowVerdict inWindow(
            TcpTracking t, TcpState current, int dir, int index, PacketRecord p) {
        TcpPeer sender = peer(t, dir);
        TcpPeer receiver = peer(t, 1 - dir);
        int flags = p.getTcpFlags();
        boolean syn = (flags & TcpFlags.SYN) != 0;
        boolean ackFlag = (flags & TcpFlags.ACK) != 0;
        boolean rst = (flags & TcpFlags.RST) != 0;
        int seq = (int) p.getTcpSeq();
        int ack = (int) p.getTcpAck();
        int sack = ack;
        int winRaw = p.getTcpWindow();
        int win = winRaw;
        int end = end(p);

        if ((receiver.getFlags() & TcpFlags.CT_SACK_PERM) != 0 && p.getTcpMaxSack() != 0) {
            int s = (int) p.getTcpMaxSack();
            if (after(s, sack)) {
                sack = s;
            }
        }

        if (sender.getTdMaxWin() == 0) {
            // Initialise the sender's data.
            if (syn) {
                initSender(sender, receiver, p, end, win, dir);
                if (!ackFlag) {
                    return ACCEPTED; // simultaneous open
                }
            } else {
                // In the middle of a connection: use what the packet tells us.
                sender.setTdEnd(end);
                int swin = win << sender.getTdScale();
                sender.setTdMaxWin(swin == 0 ? 1 : swin);
                sender.setTdMaxEnd(end + sender.getTdMaxWin());
                if (receiver.getTdMaxWin() == 0) {
                    // Nothing seen the other way yet: make III and IV pass until then.
                    receiver.setTdEnd(sack);
                    receiver.setTdMaxEnd(sack);
                } else if (sack == receiver.getTdEnd() + 1) {
                    receiver.setTdEnd(receiver.getTdEnd() + 1); // likely a reply to a keepalive
                }
            }
        } else if (syn
                && after(end, sender.getTdEnd())
                && (current == TcpState.SYN_SENT || current == TcpState.SYN_RECV)) {
            // RFC 793: a reinitialised TCP may reuse the tuple with higher sequence numbers.
            // Re-init this direction.
            initSender(sender, receiver, p, end, win, dir);
            if (dir == 1 && !ackFlag) {
                return ACCEPTED;
            }
        }

        if (!ackFlag) {
            ack = sack = receiver.getTdEnd(); // no ACK: pretend it was set and OK
        } else if ((flags & (TcpFlags.ACK | TcpFlags.RST)) == (TcpFlags.ACK | TcpFlags.RST)
                && ack == 0) {
            ack = sack = receiver.getTdEnd(); // broken stacks set ACK with a zero ack in RSTs
        }

        if (rst && seq == 0 && current == TcpState.SYN_SENT) {
            seq = end = sender.getTdEnd(); // RST answering a SYN
        }

        boolean seqOk = before(seq, sender.getTdMaxEnd() + 1);
        if (!seqOk) {
            int overshot = end - sender.getTdMaxEnd() + 1;
            boolean ackOk = after(sack, receiver.getTdEnd() - maxAckWindow(sender) - 1);
            boolean inRecvWin =
                    receiver.getTdMaxWin() != 0
                            && after(end, sender.getTdEnd() - receiver.getTdMaxWin() - 1);
            if (inRecvWin
                    && ackOk
                    && Integer.compareUnsigned(overshot, receiver.getTdMaxWin()) <= 0
                    && before(sack, receiver.getTdEnd() + 1)) {
                // A TCP sending more than the receive window allows: keep td_end so the ACK of this
                // data is accepted later.
                sender.setTdEnd(end);
                sender.setFlags(sender.getFlags() | TcpFlags.CT_DATA_UNACKNOWLEDGED);
                return logInvalid(
                        sender,
                        Verdict.IGNORE,
                        Integer.toUnsignedString(overshot) + " bytes more than expected");
            }
            return logInvalid(
                    sender,
                    Verdict.INVALID,
                    "SEQ is over upper bound "
                            + u(sender.getTdMaxEnd() + 1)
                            + " (over the window of the receiver)");
        }

        if (captureGaps
                && !before(sack, receiver.getTdEnd() + 1)
                && sender.getTdMaxWin() != 0
                && receiver.getTdMaxWin() != 0
                && Integer.compareUnsigned(sack - receiver.getTdEnd(), sender.getTdMaxWin()) <= 0) {
            // a capture gap: the receiver sent data up to sack, no more than the sender's window
            // let it, and the sensor
            // missed it
            receiver.setTdEnd(sack);
            if (after(sack, receiver.getTdMaxEnd())) {
                receiver.setTdMaxEnd(sack);
            }
        }
        if (!before(sack, receiver.getTdEnd() + 1)) {
            return logInvalid(
                    sender,
                    Verdict.INVALID,
                    "ACK is over upper bound "
                            + u(receiver.getTdEnd() + 1)
                            + " (ACKed data not seen yet)");
        }

        boolean inRecvWin =
                receiver.getTdMaxWin() == 0
                        || after(end, sender.getTdEnd() - receiver.getTdMaxWin() - 1);
        if (!inRecvWin) {
            return logInvalid(
                    sender,
                    Verdict.IGNORE,
                    "SEQ is under lower bound "
                            + u(sender.getTdEnd() - receiver.getTdMaxWin() - 1)
                            + " (already ACKed data retransmitted)");
        }
        if (!after(sack, receiver.getTdEnd() - maxAckWindow(sender) - 1)) {
            return logInvalid(
                    sender,
                    Verdict.IGNORE,
                    "ignored ACK under lower bound "
                            + u(receiver.getTdEnd() - maxAckWindow(sender) - 1)
                            + " (possible overly delayed)");
        }

        // Window scaling (RFC 1323) applies to everything but SYNs.
        if (!syn) {
            win <<= sender.getTdScale();
        }

        // Update sender data.
        int swin = win + (sack - ack);
        if (Integer.compareUnsigned(sender.getTdMaxWin(), swin) < 0) {
            sender.setTdMaxWin(swin);
        }
        if (after(end, sender.getTdEnd())) {
            sender.setTdEnd(end);
            sender.setFlags(sender.getFlags() | TcpFlags.CT_DATA_UNACKNOWLEDGED);
        }
        if (ackFlag) {
            if ((sender.getFlags() & TcpFlags.CT_MAXACK_SET) == 0) {
                sender.setTdMaxAck(ack);
                sender.setFlags(sender.getFlags() | TcpFlags.CT_MAXACK_SET);
            } else if (after(ack, sender.getTdMaxAck())) {
                sender.setTdMaxAck(ack);
            }
        }

        // Update receiver data.
        if (receiver.getTdMaxWin() != 0 && after(end, sender.getTdMaxEnd())) {
            receiver.setTdMaxWin(receiver.getTdMaxWin() + (end - sender.getTdMaxEnd()));
        }
        if (after(sack + win, receiver.getTdMaxEnd() - 1)) {
            receiver.setTdMaxEnd(sack + win);
            if (win == 0) {
                receiver.setTdMaxEnd(receiver.getTdMaxEnd() + 1);
            }
        }
        if (ack == receiver.getTdEnd()) {
            receiver.setFlags(receiver.getFlags() & ~TcpFlags.CT_DATA_UNACKNOWLEDGED);
        }

        // Check retransmissions.
        if (index == ACK_SET) {
            if (t.getLastDir() == dir
                    && t.getLastSeq() == seq
                    && t.getLastAck() == ack
                    && t.getLastEnd() == end
                    && t.getLastWin() == winRaw) {
                t.setRetrans(t.getRetrans() + 1);
            } else {
                t.setLastDir(dir);
                t.setLastSeq(seq);
                t.setLastAck(ack);
                t.setLastEnd(end);
                t.setLastWin(winRaw);
                t.setRetrans(0);
            }
        }
        return ACCEPTED;
    }

    /**
     * nf_tcp_log_invalid(): with be_liberal (global or picked-up connection) a window violation is
     * accepted.
     */
    private WindowVerdict logInvalid(TcpPeer sender, Verdict v, String reason) {
        if ((sender.getFlags() & TcpFlags.CT_BE_LIBERAL) != 0 || config.tcpBeLiberal()) {
            return ACCEPTED;
        }
        return new WindowVerdict(v, reason);
    }

    /**
     * tcp_init_sender(): a SYN/ACK answering a SYN, or a SYN from the reply direction (simultaneous
     * open).
     */
    private static void initSender(
            TcpPeer sender, TcpPeer receiver, PacketRecord p, int end, int win, int dir) {
        sender.setTdEnd(end);
        sender.setTdMaxEnd(end);
        sender.setTdMaxWin(win == 0 ? 1 : win);
        options(p, sender);
        // RFC 1323: window scaling only when both sides sent the option.
        if (dir == 1
                && !((sender.getFlags() & TcpFlags.CT_WINDOW_SCALE) != 0
                        && (receiver.getFlags() & TcpFlags.CT_WINDOW_SCALE) != 0)) {
            sender.setTdScale(0);
            receiver.setTdScale(0);
        }
    }

    /** tcp_options(): window scale and SACK-permitted of a SYN. */
    private static void options(PacketRecord p, TcpPeer peer) {
        peer.setTdScale(0);
        int flags = peer.getFlags() & TcpFlags.CT_BE_LIBERAL;
        if (p.getTcpSackPermitted()) {
            flags |= TcpFlags.CT_SACK_PERM;
        }
        if (p.getTcpWindowScale() >= 0) {
            peer.setTdScale(Math.min(p.getTcpWindowScale(), MAX_WSCALE));
            flags |= TcpFlags.CT_WINDOW_SCALE;
        }
        peer.setFlags(flags);
    }

    /** nf_ct_tcp_state_reset(). */
    private static void reset(TcpPeer peer) {
        peer.setTdEnd(0);
        peer.setTdMaxEnd(0);
        peer.setTdMaxWin(0);
        peer.setTdMaxAck(0);
        peer.setTdScale(0);
        peer.setFlags(peer.getFlags() & TcpFlags.CT_BE_LIBERAL);
    }

    private static int maxAckWindow(TcpPeer sender) {
        return Integer.compareUnsigned(sender.getTdMaxWin(), MAXACKWINCONST) > 0
                ? sender.getTdMaxWin()
                : MAXACKWINCONST;
    }

    /** segment_seq_plus_len(): seq + payload length + SYN + FIN. */
    static int end(PacketRecord p) {
        int f = p.getTcpFlags();
        return (int) p.getTcpSeq()
                + p.getPayloadLength()
                + ((f & TcpFlags.SYN) != 0 ? 1 : 0)
                + ((f & TcpFlags.FIN) != 0 ? 1 : 0);
    }

    static TcpPeer peer(TcpTracking t, int dir) {
        return dir == 0 ? t.getOriginal() : t.getReply();
    }

    /** The kernel's before(): a precedes b modulo 2^32. */
    static boolean before(int a, int b) {
        return a - b < 0;
    }

    static boolean after(int a, int b) {
        return before(b, a);
    }

    private static String u(int v) {
        return Integer.toUnsignedString(v);
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }
}
