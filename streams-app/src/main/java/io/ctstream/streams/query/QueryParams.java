package io.ctstream.streams.query;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Strict parsing of what a query names: connection ids and address literals. Anything else is an
 * {@link IllegalArgumentException} (a 400), never a DNS lookup, and never text pasted into a URL
 * that goes to another instance.
 */
final class QueryParams {
    /**
     * A connection id: the first 8 bytes of a SHA-256, in lower-case hex ({@code
     * ConnectionTracker.connectionId}).
     */
    private static final Pattern CONNECTION_ID = Pattern.compile("[0-9a-f]{16}");

    private static final Pattern IPV4 =
            Pattern.compile(
                    "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private QueryParams() {}

    /** {@code id} when it is a connection id (16 lower-case hex characters); a 400 otherwise. */
    static String connectionId(String name, String id) {
        if (id == null || !CONNECTION_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    name + " must be a connection id (16 hex characters)");
        }
        return id;
    }

    /**
     * An IPv4 dotted quad or an IPv6 literal, as bytes. {@link InetAddress#getByName} resolves
     * anything that is not a literal, so only strings that can only be literals reach it: four
     * decimal octets, or text with a colon (which it parses as IPv6 and never looks up).
     */
    static byte[] address(String s) {
        boolean v4 = IPV4.matcher(s).matches();
        boolean v6 = s.indexOf(':') >= 0 && IPV6_CHARS.matcher(s).matches();
        if (!v4 && !v6) {
            throw new IllegalArgumentException(
                    "not an IP address literal (a.b.c.d or IPv6): " + shorten(s));
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    "not an IP address literal (a.b.c.d or IPv6): " + shorten(s));
        }
    }

    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
