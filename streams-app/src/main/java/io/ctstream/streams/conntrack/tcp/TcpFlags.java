package io.ctstream.streams.conntrack.tcp;

/**
 * Bits of the TCP header's flags byte, and the kernel's per-direction tracking flags
 * (IP_CT_TCP_FLAG_*).
 */
public final class TcpFlags {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    /** IP_CT_TCP_FLAG_WINDOW_SCALE: the sender announced window scaling. */
    public static final int CT_WINDOW_SCALE = 0x01;

    /** IP_CT_TCP_FLAG_SACK_PERM: the sender permits SACK. */
    public static final int CT_SACK_PERM = 0x02;

    /** IP_CT_TCP_FLAG_CLOSE_INIT: this direction sent the first FIN. */
    public static final int CT_CLOSE_INIT = 0x04;

    /**
     * IP_CT_TCP_FLAG_BE_LIBERAL: window checks of this sender never mark INVALID (picked-up
     * connections).
     */
    public static final int CT_BE_LIBERAL = 0x08;

    /** IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED: sent data not acknowledged yet. */
    public static final int CT_DATA_UNACKNOWLEDGED = 0x10;

    /** IP_CT_TCP_FLAG_MAXACK_SET: td_maxack holds a value. */
    public static final int CT_MAXACK_SET = 0x20;

    /**
     * IP_CT_EXP_CHALLENGE_ACK: an ignored SYN in LAST_ACK may be answered by an RFC 5961 challenge
     * ACK.
     */
    public static final int CT_EXP_CHALLENGE_ACK = 0x40;

    /** IP_CT_TCP_SIMULTANEOUS_OPEN. */
    public static final int CT_SIMULTANEOUS_OPEN = 0x80;

    private TcpFlags() {}

    /**
     * The kernel's tcp_valid_flags[]: the combinations of FIN/SYN/RST/ACK/URG (PSH, ECE, CWR
     * ignored) it accepts.
     */
    public static boolean validCombination(int flags) {
        int f = flags & ~(ECE | CWR | PSH) & 0xff;
        return f == SYN
                || f == (SYN | URG)
                || f == (SYN | ACK)
                || f == RST
                || f == (RST | ACK)
                || f == (FIN | ACK)
                || f == (FIN | ACK | URG)
                || f == ACK
                || f == (ACK | URG);
    }

    /** tcp-style flag text, e.g. "SA" for SYN+ACK, for messages. */
    public static String describe(int flags) {
        StringBuilder b = new StringBuilder();
        if ((flags & SYN) != 0) {
            b.append('S');
        }
        if ((flags & FIN) != 0) {
            b.append('F');
        }
        if ((flags & RST) != 0) {
            b.append('R');
        }
        if ((flags & PSH) != 0) {
            b.append('P');
        }
        if ((flags & ACK) != 0) {
            b.append('A');
        }
        if ((flags & URG) != 0) {
            b.append('U');
        }
        return b.isEmpty() ? "none" : b.toString();
    }
}
