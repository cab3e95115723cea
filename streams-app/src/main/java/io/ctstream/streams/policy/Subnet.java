package io.ctstream.streams.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A network behind a gateway: address and prefix length, parsed from {@code 10.77.0.0/16} or {@code
 * 2001:db8::/32}.
 */
public record Subnet(byte[] network, int prefixLength, String text) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public Subnet {
        network = network.clone();
    }

    /**
     * Parses an address literal with an optional prefix (a bare address is a single host). Host
     * names are refused (never resolved); so are host bits set below the prefix.
     */
    public static Subnet parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty subnet");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (!IPV4.matcher(addr).matches() && !IPV6.matcher(addr).matches()) {
            throw new IllegalArgumentException(
                    "'"
                            + text
                            + "' is not an IPv4 or IPv6 address literal (host names are not allowed)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid address");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'" + text + "' has a prefix length that is not a number");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException(
                        "'" + text + "' has prefix length " + prefix + ", must be 0-" + bits);
            }
        }
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            if ((bytes[i] & ~(0xff00 >> keep) & 0xff) != 0) {
                throw new IllegalArgumentException(
                        "'" + text + "' has host bits set below /" + prefix);
            }
        }
        return new Subnet(bytes, prefix, s);
    }

    /** Whether {@code address} (network byte order; 4 or 16 bytes) lies in this subnet. */
    public boolean contains(ByteBuffer address) {
        if (address == null) {
            return false;
        }
        ByteBuffer d = address.duplicate();
        if (d.remaining() != network.length) {
            return false;
        }
        for (int i = 0; i < network.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            int mask = 0xff00 >> keep & 0xff;
            if ((d.get() & mask) != (network[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subnet s
                && s.prefixLength == prefixLength
                && Arrays.equals(s.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
