package io.ctstream.streams.helper.irc;

import io.ctstream.streams.helper.Addresses;
import java.nio.charset.StandardCharsets;

/**
 * KERNEL mode: nf_conntrack_irc's help() over one client-to-server segment, reproduced (Linux 6.x,
 * the parser tightened in 6.0): at most the first 4095 bytes are searched; after optional ' ',
 * '\r', '\n' the segment must start with "PRIVMSG " (any case); "\1DCC " must directly follow the
 * first " :"; the type is one of "SEND ", "CHAT ", "MOVE ", "TSEND ", "SCHAT " (exact case; an
 * unknown type resumes the search for the next " :"); the argument is skipped to the first space (a
 * quoted filename with spaces thus yields address 0, port 0); a '\n' must follow in the same
 * segment; the address and the port are read as simple_strtoul does and truncated to 32 and 16
 * bits. Only the first DCC of a segment is looked at. The helper never drops a packet for a parse
 * failure.
 */
public final class KernelIrcSearch {

    static final int MAX_SEARCH_SIZE = 4095;
    private static final String[] PROTOS = {"SEND ", "CHAT ", "MOVE ", "TSEND ", "SCHAT "};

    private KernelIrcSearch() {}

    /** The offer found, or null when the kernel would find none (or fail to parse it). */
    public static DccOffer search(byte[] segment) {
        byte[] d = segment;
        int limit = Math.min(segment.length, MAX_SEARCH_SIZE);
        int data = 0;
        while (data < limit - 10) {
            if (d[data] == ' ' || d[data] == '\r' || d[data] == '\n') {
                data++;
            } else {
                break;
            }
        }
        // strlen("PRIVMSG x ")=10
        if (data < limit - 10) {
            if (!equalsIgnoreCase(d, data, limit, "PRIVMSG ")) {
                return null;
            }
            data += 8;
        }
        // strlen(" :\1DCC SENT t AAAAAAAA P\1\n")=26
        while (data < limit - 26) {
            if (!regionEquals(d, data, limit, " :")) {
                data++;
                continue;
            }
            data += 2;
            if (!regionEquals(d, data, limit, "\u0001DCC ")) {
                return null;
            }
            data += 5;
            for (String proto : PROTOS) {
                if (!regionEquals(d, data, limit, proto)) {
                    continue;
                }
                return parseDcc(d, data + proto.length(), limit, proto.trim());
            }
        }
        return null;
    }

    /** parse_dcc: skip the argument to the first space, require a '\n', read address and port. */
    private static DccOffer parseDcc(byte[] d, int data, int end, String type) {
        // at least 12: "AAAAAAAA P\1\n"
        while (true) {
            if (data >= end) {
                return null;
            }
            byte c = d[data++];
            if (c == ' ') {
                break;
            }
            if (data > end - 12) {
                return null;
            }
        }
        int nl = data;
        while (nl < end && d[nl] != '\n') {
            nl++;
        }
        if (nl >= end) {
            return null;
        }
        long[] parsed = new long[1];
        data = strtoul(d, data, end, parsed);
        long ip = parsed[0] & 0xffffffffL;
        while (data < end && d[data] == ' ') {
            data++;
        }
        strtoul(d, data, end, parsed);
        int port = (int) (parsed[0] & 0xffff);
        return new DccOffer(type, null, Addresses.ipv4(ip), port);
    }

    /** simple_strtoul base 10: digits only, wrapping modulo 2^64; returns the index after them. */
    private static int strtoul(byte[] d, int i, int end, long[] out) {
        long v = 0;
        while (i < end && d[i] >= '0' && d[i] <= '9') {
            v = v * 10 + (d[i] - '0');
            i++;
        }
        out[0] = v;
        return i;
    }

    private static boolean regionEquals(byte[] d, int at, int limit, String s) {
        if (at < 0 || at + s.length() > limit) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (d[at + k] != (byte) s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalsIgnoreCase(byte[] d, int at, int limit, String s) {
        if (at + s.length() > limit) {
            return false;
        }
        return new String(d, at, s.length(), StandardCharsets.ISO_8859_1).equalsIgnoreCase(s);
    }
}
