package io.ctstream.launcher.verdict;

import io.ctstream.avro.VerdictMatch;
import io.ctstream.launcher.errors.UserException;
import io.ctstream.streams.helper.Addresses;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;

/**
 * The match an operator typed ({@code --src 10.0.0.0/24 --dst 10.0.0.2 --proto tcp --port 22}) as a
 * {@link VerdictMatch}. Addresses are literals only (never a DNS lookup: a name would make the
 * verdict depend on a resolver); every malformed value is a one-line {@link UserException} naming
 * the option.
 */
public final class OperatorMatch {
    private static final Map<String, Integer> PROTOCOLS =
            Map.of("tcp", 6, "udp", 17, "dccp", 33, "sctp", 132);

    private OperatorMatch() {}

    /** {@code src} and {@code dst} may be null; {@code port} null is every port (0). */
    public static VerdictMatch of(String src, String dst, String proto, String port) {
        Prefix s = src == null ? null : prefix("--src", src);
        Prefix d = dst == null ? null : prefix("--dst", dst);
        if (d != null && d.length != -1) {
            throw UserException.usage(
                    "--dst " + dst + ": a destination is one address, not a prefix");
        }
        if (s != null && d != null && s.version != d.version) {
            throw UserException.usage(
                    "--src " + src + " and --dst " + dst + " are not the same IP version");
        }
        if (s == null && d == null) {
            throw UserException.usage("give --src, --dst or both");
        }
        return VerdictMatch.newBuilder()
                .setIpVersion(s != null ? s.version : d.version)
                .setProtocol(protocol(proto))
                .setSrc(s == null ? null : ByteBuffer.wrap(s.address.getAddress()))
                .setSrcPrefixLength(s == null ? -1 : s.length)
                .setDst(d == null ? null : ByteBuffer.wrap(d.address.getAddress()))
                .setDstPort(port == null ? 0 : port(port))
                .build();
    }

    /** An address and its prefix length (-1: the full address). */
    record Prefix(InetAddress address, int version, int length) {}

    static Prefix prefix(String option, String text) {
        int slash = text.indexOf('/');
        String literal = slash < 0 ? text : text.substring(0, slash);
        InetAddress a;
        try {
            a = Addresses.parse(literal);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(
                    option
                            + " "
                            + text
                            + ": not an IP address or prefix (e.g. 10.0.0.0/24, fd00::/64)");
        }
        int version = Addresses.ipVersion(a);
        int full = version == 4 ? 32 : 128;
        if (slash < 0) {
            return new Prefix(a, version, -1);
        }
        String len = text.substring(slash + 1);
        int n;
        try {
            n = Integer.parseInt(len);
        } catch (NumberFormatException e) {
            throw UserException.usage(
                    option + " " + text + ": prefix length '" + len + "' is not a number");
        }
        if (n < 1 || n > full) {
            throw UserException.usage(option + " " + text + ": prefix length must be 1-" + full);
        }
        byte[] b = a.getAddress();
        for (int bit = n; bit < full; bit++) {
            if ((b[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                // 10.0.0.9/24 is almost always a typo for the host or the network: say which was
                // meant
                throw UserException.usage(option + " " + text + ": host bits set after /" + n);
            }
        }
        return new Prefix(a, version, n == full ? -1 : n);
    }

    static int protocol(String text) {
        Integer p = PROTOCOLS.get(text.toLowerCase(Locale.ROOT));
        if (p == null) {
            throw UserException.usage(
                    "--proto " + text + ": one of tcp, udp, sctp, dccp (protocols with ports)");
        }
        return p;
    }

    static int port(String text) {
        int p;
        try {
            p = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw UserException.usage("--port " + text + ": not a port number");
        }
        if (p < 1 || p > 65535) {
            throw UserException.usage(
                    "--port " + text + ": out of range 1-65535 (leave it out for every port)");
        }
        return p;
    }
}
