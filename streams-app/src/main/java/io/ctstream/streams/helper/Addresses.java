package io.ctstream.streams.helper;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Address helpers that never touch DNS. */
public final class Addresses {

    private Addresses() {}

    /** 4 or 6. */
    public static int ipVersion(InetAddress address) {
        return address instanceof Inet4Address ? 4 : 6;
    }

    /** An address from its network-order bytes (4 or 16); no lookup is made. */
    public static InetAddress fromBytes(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + bytes.length);
        }
        try {
            if (bytes.length == 16) {
                // Inet6Address.getByAddress keeps an IPv4-mapped address as IPv6
                // (InetAddress.getByAddress would not)
                return Inet6Address.getByAddress(null, bytes, null);
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The IPv4 address of a 32-bit number in host order (as DCC writes it). */
    public static InetAddress ipv4(long value) {
        long v = value & 0xffffffffL;
        return fromBytes(
                new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** Parses an address literal such as "10.77.1.2" or "fd77:1::2" without any name lookup. */
    public static InetAddress parse(String literal) {
        return parseIpv6(literal)
                .or(() -> parseIpv4(literal))
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "not an IP address literal: " + literal));
    }

    /** Strict dotted quad: four decimal numbers of 1 to 3 digits, each at most 255. */
    public static Optional<InetAddress> parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) v;
        }
        return Optional.of(fromBytes(bytes));
    }

    /**
     * An IPv6 literal (RFC 4291 text forms, including an embedded IPv4 tail). Only hex digits, ':'
     * and '.' are let through, and the literal is bracketed, so the JDK parses it as a literal and
     * never resolves it.
     */
    public static Optional<InetAddress> parseIpv6(String text) {
        if (text.isEmpty()
                || text.length() > 45
                || text.indexOf(':') < 0
                || !text.chars()
                        .allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddress.getByName("[" + text + "]");
            // the JDK turns ::ffff:a.b.c.d into an Inet4Address; keep the 16-byte form the peer
            // wrote
            return Optional.of(a instanceof Inet4Address ? fromBytes(mapped(a.getAddress())) : a);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    /**
     * Text form: dotted quad, or IPv6 in RFC 5952 form (as the kernel and conntrack print it); "*"
     * for null.
     */
    public static String format(InetAddress address) {
        if (address == null) {
            return "*";
        }
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // the longest run of two or more zero groups becomes "::" (the first one on a tie)
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
