package io.ctstream.launcher.format;

/**
 * Zeek's {@code conn_state} of a connection, from what ctstream keeps: its Zeek-style history
 * (upper case: the originator, lower case: the responder) and its packet counts. The rules are
 * those of Zeek's {@code base/protocols/conn/main.zeek} ({@code conn_state()}), with each
 * endpoint's TCP state read off the history: an endpoint that sent nothing is inactive, one whose
 * only letters are SYNs is still in SYN_SENT, F is closed and R is reset.
 */
public final class ZeekConnState {
    private ZeekConnState() {}

    /** {@code proto}: tcp, udp, icmp, ipv6-icmp (anything but tcp and udp is OTH, as in Zeek). */
    public static String of(String proto, String history, long origPackets, long replyPackets) {
        String h = history == null ? "" : history;
        if ("tcp".equals(proto)) {
            return tcp(h, origPackets, replyPackets);
        }
        if ("udp".equals(proto)) {
            boolean os = origPackets > 0;
            boolean rs = replyPackets > 0;
            if (os) {
                return rs ? "SF" : "S0";
            }
            return rs ? "SHR" : "OTH";
        }
        return "OTH";
    }

    private static String tcp(String h, long origPackets, long replyPackets) {
        boolean origInactive = !hasUpper(h) && origPackets == 0;
        boolean respInactive = !hasLower(h) && replyPackets == 0;
        boolean origReset = h.indexOf('R') >= 0;
        boolean respReset = h.indexOf('r') >= 0;
        boolean origClosed = h.indexOf('F') >= 0;
        boolean respClosed = h.indexOf('f') >= 0;
        if (respReset) {
            // Zeek: the originator still in SYN_SENT (or reset itself before any data) → rejected
            if (onlySyns(h) || origReset && !hasAny(h, "DdAa")) {
                return "REJ";
            }
            return origInactive ? "RSTRH" : "RSTR";
        }
        if (origReset) {
            if (respInactive) {
                return h.matches("\\^?S[^HAFGIQ]*R.*") ? "RSTOS0" : "OTH";
            }
            return "RSTO";
        }
        if (origClosed && respClosed) {
            return "SF";
        }
        if (origClosed) {
            return respInactive ? "SH" : "S2";
        }
        if (respClosed) {
            return origInactive ? "SHR" : "S3";
        }
        if (h.indexOf('S') >= 0 && onlySyns(h) && respInactive) {
            return "S0";
        }
        if (h.indexOf('S') >= 0 && h.indexOf('h') >= 0 && hasAny(h, "AD")) {
            return "S1";
        }
        return "OTH";
    }

    /** The originator sent nothing but SYNs (it never left SYN_SENT). */
    private static boolean onlySyns(String h) {
        boolean syn = false;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (Character.isUpperCase(c)) {
                if (c != 'S') {
                    return false;
                }
                syn = true;
            }
        }
        return syn;
    }

    private static boolean hasUpper(String h) {
        return h.chars().anyMatch(Character::isUpperCase);
    }

    private static boolean hasLower(String h) {
        return h.chars().anyMatch(Character::isLowerCase);
    }

    private static boolean hasAny(String h, String letters) {
        return h.chars().anyMatch(c -> letters.indexOf(c) >= 0);
    }
}
