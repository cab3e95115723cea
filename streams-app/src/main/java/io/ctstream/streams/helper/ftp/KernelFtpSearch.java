package io.ctstream.streams.helper.ftp;

import io.ctstream.avro.Direction;
import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ftp.FtpMessage.EprtCommand;
import io.ctstream.streams.helper.ftp.FtpMessage.ExtendedPassiveReply;
import io.ctstream.streams.helper.ftp.FtpMessage.PassiveReply;
import io.ctstream.streams.helper.ftp.FtpMessage.PortCommand;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * KERNEL mode: nf_conntrack_ftp's search over one segment, reproduced byte for byte (Linux 6.x
 * find_pattern, try_rfc959, try_rfc1123, try_eprt, try_epsv_response, try_number, get_port). Only
 * the start of the segment is examined; the original direction tries "PORT" then "EPRT", the reply
 * direction "227 " then "229 ", case-insensitively; the first pattern that is not a plain mismatch
 * decides. The result is a match, no match, or a partial match (the kernel's NF_DROP). The
 * consequences the kernel draws from a match (address check, expectation) are {@link FtpHelper}'s.
 */
public final class KernelFtpSearch {

    /** The kernel's verdict on a segment. */
    public sealed interface Result {}

    /** find_pattern returned 0: the segment is accepted and ignored. */
    public record NoMatch() implements Result {}

    /**
     * find_pattern returned -1: NF_DROP, logged as "partial matching of `<pattern>'" (the kernel's
     * quotes).
     */
    public record Partial(String pattern) implements Result {
        public String logMessage() {
            return "partial matching of `" + pattern + "'";
        }
    }

    /**
     * find_pattern returned 1. {@code numOff}/{@code numLen} locate the numbers, as the kernel logs
     * them.
     */
    public record Match(FtpMessage message, int numOff, int numLen) implements Result {}

    private record Pattern(String text, char skip, char term, Kind kind) {}

    private enum Kind {
        PORT,
        EPRT,
        PASV,
        EPSV
    }

    private static final Pattern[] ORIGINAL = {
        new Pattern("PORT", ' ', '\r', Kind.PORT), new Pattern("EPRT", ' ', '\r', Kind.EPRT),
    };
    private static final Pattern[] REPLY = {
        new Pattern("227 ", (char) 0, (char) 0, Kind.PASV),
        new Pattern("229 ", '(', ')', Kind.EPSV),
    };

    private static final Result NO_MATCH = new NoMatch();

    private KernelFtpSearch() {}

    /**
     * Searches one segment's payload.
     *
     * @param ipVersion the master's address family (EPRT must announce the same one)
     */
    public static Result search(Direction direction, byte[] data, int ipVersion) {
        for (Pattern p : direction == Direction.ORIGINAL ? ORIGINAL : REPLY) {
            Result r = findPattern(data, p, ipVersion);
            if (!(r instanceof NoMatch)) {
                return r;
            }
        }
        return NO_MATCH;
    }

    private static Result findPattern(byte[] data, Pattern p, int ipVersion) {
        int dlen = data.length;
        int plen = p.text.length();
        if (dlen <= plen) {
            // short packet: a prefix of the pattern is a partial match
            return strncasecmp(data, p.text, dlen) ? new Partial(p.text) : NO_MATCH;
        }
        if (!strncasecmp(data, p.text, plen)) {
            return NO_MATCH;
        }
        int i = plen;
        if (p.skip != 0) {
            for (i = plen; data[i] != p.skip; i++) {
                if (i == dlen - 1) {
                    return new Partial(p.text);
                }
            }
            i++;
        }
        Number n = getnum(p.kind, data, i, dlen - i, p.term, ipVersion);
        if (n == null || n.length == 0) {
            return new Partial(p.text);
        }
        return new Match(n.message, i + n.extraOff, n.length);
    }

    private static boolean strncasecmp(byte[] data, String pattern, int n) {
        for (int k = 0; k < n; k++) {
            if (Character.toLowerCase((char) (data[k] & 0xff))
                    != Character.toLowerCase(pattern.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** What a getnum function found: the message and the matched length (0: nothing). */
    private record Number(FtpMessage message, int length, int extraOff) {}

    private static Number getnum(Kind kind, byte[] d, int off, int len, char term, int ipVersion) {
        return switch (kind) {
            case PORT -> tryRfc959(d, off, len, term, true);
            case PASV -> tryRfc1123(d, off, len);
            case EPRT -> tryEprt(d, off, len, ipVersion);
            case EPSV -> tryEpsvResponse(d, off, len);
        };
    }

    /** try_number: fills {@code out}; returns the length up to the terminator, 0 on failure. */
    private static int tryNumber(byte[] d, int off, int dlen, long[] out, char sep, char term) {
        Arrays.fill(out, 0);
        int i = 0;
        int len = 0;
        for (; len < dlen && i < out.length; len++) {
            byte c = d[off + len];
            if (c >= '0' && c <= '9') {
                out[i] = out[i] * 10 + (c - '0');
                if (out[i] > 255) {
                    return 0;
                }
            } else if (c == sep) {
                i++;
            } else {
                // the terminator (or any char when there is none) ends a complete list
                if ((c == term || term == 0) && i == out.length - 1) {
                    return len;
                }
                return 0;
            }
        }
        return 0;
    }

    private static Number tryRfc959(byte[] d, int off, int dlen, char term, boolean command) {
        long[] a = new long[6];
        int length = tryNumber(d, off, dlen, a, ',', term);
        if (length == 0) {
            return null;
        }
        InetAddress addr =
                Addresses.fromBytes(
                        new byte[] {(byte) a[0], (byte) a[1], (byte) a[2], (byte) a[3]});
        int port = (int) ((a[4] << 8) | a[5]);
        FtpMessage m = command ? new PortCommand(addr, port) : new PassiveReply(addr, port);
        return new Number(m, length, 0);
    }

    /** RFC 1123: scan for the first digit, then RFC 959 numbers with no terminator required. */
    private static Number tryRfc1123(byte[] d, int off, int dlen) {
        int i = 0;
        while (i < dlen && !(d[off + i] >= '0' && d[off + i] <= '9')) {
            i++;
        }
        if (i == dlen) {
            return null;
        }
        Number n = tryRfc959(d, off + i, dlen - i, (char) 0, false);
        return n == null ? null : new Number(n.message, n.length, i);
    }

    /**
     * get_port: digits up to the delimiter; returns the index after it, 0 on failure (port 0
     * included).
     */
    private static int getPort(byte[] d, int off, int start, int dlen, byte delim, int[] port) {
        long tmp = 0;
        for (int i = start; i < dlen; i++) {
            byte c = d[off + i];
            if (c == delim) {
                if (tmp == 0) {
                    break;
                }
                port[0] = (int) tmp;
                return i + 1;
            } else if (c >= '0' && c <= '9') {
                tmp = tmp * 10 + (c - '0');
                if (tmp > 65535) {
                    break;
                }
            } else {
                break;
            }
        }
        return 0;
    }

    private static boolean badDelimiter(byte delim) {
        return (delim >= '0' && delim <= '9') || delim < 33 || delim > 126;
    }

    /** |1|a.b.c.d|port| or |2|ipv6|port|; the protocol must be the master's family. */
    private static Number tryEprt(byte[] d, int off, int dlen, int ipVersion) {
        if (dlen <= 3) {
            return null;
        }
        byte delim = d[off];
        if (badDelimiter(delim) || d[off + 2] != delim) {
            return null;
        }
        if ((ipVersion == 4 && d[off + 1] != '1') || (ipVersion == 6 && d[off + 1] != '2')) {
            return null;
        }
        int length;
        InetAddress addr;
        if (d[off + 1] == '1') {
            long[] a = new long[4];
            length = tryNumber(d, off + 3, dlen - 3, a, '.', (char) delim);
            addr =
                    length == 0
                            ? null
                            : Addresses.fromBytes(
                                    new byte[] {
                                        (byte) a[0], (byte) a[1], (byte) a[2], (byte) a[3]
                                    });
        } else {
            // in6_pton up to the delimiter (the JDK's literal parser: see the module README for the
            // edge cases)
            int k = 0;
            while (k < dlen - 3 && d[off + 3 + k] != delim) {
                k++;
            }
            Optional<InetAddress> v6 =
                    k < dlen - 3
                            ? Addresses.parseIpv6(FtpText.ascii(d, off + 3, off + 3 + k))
                            : Optional.empty();
            length = v6.isPresent() ? k : 0;
            addr = v6.orElse(null);
        }
        if (length == 0) {
            return null;
        }
        int[] port = new int[1];
        int end = getPort(d, off, 3 + length + 1, dlen, delim, port);
        if (end == 0) {
            return null;
        }
        return new Number(new EprtCommand(d[off + 1] - '0', addr, port[0]), end, 0);
    }

    /** |||port|: three delimiters, then the port up to the delimiter. */
    private static Number tryEpsvResponse(byte[] d, int off, int dlen) {
        if (dlen <= 3) {
            return null;
        }
        byte delim = d[off];
        if (badDelimiter(delim) || d[off + 1] != delim || d[off + 2] != delim) {
            return null;
        }
        int[] port = new int[1];
        int end = getPort(d, off, 3, dlen, delim, port);
        return end == 0 ? null : new Number(new ExtendedPassiveReply(port[0]), end, 0);
    }
}
