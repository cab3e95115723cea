package io.ctstream.streams.conntrack.tcp;

import io.ctstream.avro.TcpState;

/**
 * The kernel's {@code tcp_conntracks[2][6][TCP_CONNTRACK_MAX]} transition table
 * (nf_conntrack_proto_tcp.c, Linux 6.x), indexed by direction, packet class ({@link #index}) and
 * current state (the {@link TcpState} ordinal, which follows the kernel's enum order). Two extra
 * outcomes: {@link #IV} (invalid) and {@link #IG} (ignore).
 */
public final class TcpStateTable {

    static final int NO = 0;
    static final int SS = 1;
    static final int SR = 2;
    static final int ES = 3;
    static final int FW = 4;
    static final int CW = 5;
    static final int LA = 6;
    static final int TW = 7;
    static final int CL = 8;
    static final int S2 = 9;

    /** TCP_CONNTRACK_MAX: the packet is invalid. */
    public static final int IV = 10;

    /** TCP_CONNTRACK_IGNORE: let the packet through without touching the state. */
    public static final int IG = 11;

    /** tcp_bit_set. */
    public static final int SYN_SET = 0;

    public static final int SYNACK_SET = 1;
    public static final int FIN_SET = 2;
    public static final int ACK_SET = 3;
    public static final int RST_SET = 4;
    public static final int NONE_SET = 5;

    private static final int[][][] TABLE = {
        {
            /* ORIGINAL      sNO sSS sSR sES sFW sCW sLA sTW sCL sS2 */
            /* syn    */ {SS, SS, IG, IG, IG, IG, IG, SS, SS, S2},
            /* synack */ {IV, IV, SR, IV, IV, IV, IV, IV, IV, SR},
            /* fin    */ {IV, IV, FW, FW, LA, LA, LA, TW, CL, IV},
            /* ack    */ {ES, IV, ES, ES, CW, CW, TW, TW, CL, IV},
            /* rst    */ {IV, CL, CL, CL, CL, CL, CL, CL, CL, CL},
            /* none   */ {IV, IV, IV, IV, IV, IV, IV, IV, IV, IV}
        },
        {
            /* REPLY         sNO sSS sSR sES sFW sCW sLA sTW sCL sS2 */
            /* syn    */ {IV, S2, IV, IV, IV, IV, IV, SS, IV, S2},
            /* synack */ {IV, SR, IG, IG, IG, IG, IG, IG, IG, SR},
            /* fin    */ {IV, IV, FW, FW, LA, LA, LA, TW, CL, IV},
            /* ack    */ {IV, IG, SR, ES, CW, CW, TW, TW, CL, IG},
            /* rst    */ {IV, CL, CL, CL, CL, CL, CL, CL, CL, CL},
            /* none   */ {IV, IV, IV, IV, IV, IV, IV, IV, IV, IV}
        }
    };

    private TcpStateTable() {}

    /** The kernel's get_conntrack_index(): RST wins, then SYN (with/without ACK), FIN, ACK. */
    public static int index(int tcpFlags) {
        if ((tcpFlags & TcpFlags.RST) != 0) {
            return RST_SET;
        }
        if ((tcpFlags & TcpFlags.SYN) != 0) {
            return (tcpFlags & TcpFlags.ACK) != 0 ? SYNACK_SET : SYN_SET;
        }
        if ((tcpFlags & TcpFlags.FIN) != 0) {
            return FIN_SET;
        }
        if ((tcpFlags & TcpFlags.ACK) != 0) {
            return ACK_SET;
        }
        return NONE_SET;
    }

    /**
     * Next state (a TcpState ordinal), {@link #IV} or {@link #IG}. {@code dir} 0 = original, 1 =
     * reply.
     */
    public static int next(int dir, int index, int state) {
        return TABLE[dir][index][state];
    }

    public static TcpState state(int ordinal) {
        return TcpState.values()[ordinal];
    }
}
