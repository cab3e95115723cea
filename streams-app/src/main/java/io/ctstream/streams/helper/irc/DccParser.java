package io.ctstream.streams.helper.irc;

import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ParseResult;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * ROBUST parser of one client-to-server IRC line (without CRLF): {@code [:prefix] PRIVMSG <target>
 * :\1DCC <type> <argument> <address> <port> [<size> ...]\1}. Tolerates leading and repeated spaces,
 * a verb and a DCC type in any case, a missing closing \1, and a quoted filename with spaces ("file
 * name.bin", mIRC style). The address is a decimal 32-bit number (IPv4), or an IPv6 literal (only
 * used where IPv6 DCC is enabled). Types other than the kernel's five (e.g. RESUME, ACCEPT, which
 * open no connection) are Ignored.
 */
public final class DccParser {

    /** The kernel's dccprotos. */
    public static final Set<String> TYPES = Set.of("SEND", "CHAT", "MOVE", "TSEND", "SCHAT");

    private DccParser() {}

    public static ParseResult<DccOffer> parse(byte[] line) {
        String s = new String(line, StandardCharsets.ISO_8859_1);
        int i = skipSpaces(s, 0);
        if (i < s.length() && s.charAt(i) == ':') {
            // a prefix (servers add it; clients may send it)
            i = skipSpaces(s, nextSpace(s, i));
        }
        int verbEnd = nextSpace(s, i);
        if (!s.substring(i, verbEnd).equalsIgnoreCase("PRIVMSG")) {
            return ParseResult.ignored();
        }
        i = skipSpaces(s, verbEnd);
        i = skipSpaces(s, nextSpace(s, i)); // target
        if (i >= s.length() || s.charAt(i) != ':') {
            return ParseResult.ignored();
        }
        String text = s.substring(i + 1);
        if (!text.startsWith("\u0001")) {
            return ParseResult.ignored();
        }
        int close = text.indexOf('\u0001', 1);
        String ctcp = close < 0 ? text.substring(1) : text.substring(1, close);
        List<String> words;
        try {
            words = words(ctcp);
        } catch (IllegalArgumentException e) {
            return ParseResult.rejected("malformed", e.getMessage());
        }
        if (words.isEmpty() || !words.get(0).equalsIgnoreCase("DCC")) {
            return ParseResult.ignored();
        }
        if (words.size() < 2 || !TYPES.contains(words.get(1).toUpperCase(Locale.ROOT))) {
            return ParseResult.ignored();
        }
        String type = words.get(1).toUpperCase(Locale.ROOT);
        if (!ctcp.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return ParseResult.rejected(
                    "non-ascii", "DCC " + type + " arguments with a control or non-ASCII byte");
        }
        if (words.size() < 5) {
            return ParseResult.rejected(
                    "malformed", "DCC " + type + " needs <argument> <address> <port>");
        }
        Optional<InetAddress> address = address(words.get(3));
        if (address.isEmpty()) {
            return ParseResult.rejected(
                    "malformed",
                    "DCC address is not a 32-bit number or IPv6 literal: '" + words.get(3) + "'");
        }
        String p = words.get(4);
        if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return ParseResult.rejected("malformed", "DCC port is not a number: '" + p + "'");
        }
        int port = Integer.parseInt(p);
        if (port > 65535) {
            return ParseResult.rejected("port-out-of-range", "DCC port over 65535: " + port);
        }
        return ParseResult.parsed(new DccOffer(type, words.get(2), address.get(), port));
    }

    /** Decimal 0..4294967295 (1 to 10 digits), or an IPv6 literal. */
    static Optional<InetAddress> address(String w) {
        if (!w.isEmpty() && w.length() <= 10 && w.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long v = Long.parseLong(w);
            return v > 0xffffffffL ? Optional.empty() : Optional.of(Addresses.ipv4(v));
        }
        return Addresses.parseIpv6(w);
    }

    /**
     * Space-separated words; a word starting with '"' runs to the next '"' (spaces inside kept).
     */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int i = skipSpaces(s, 0);
        while (i < s.length()) {
            if (s.charAt(i) == '"') {
                int end = s.indexOf('"', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated quoted filename");
                }
                out.add(s.substring(i + 1, end));
                i = end + 1;
            } else {
                int end = nextSpace(s, i);
                out.add(s.substring(i, end));
                i = end;
            }
            i = skipSpaces(s, i);
        }
        return out;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int nextSpace(String s, int i) {
        while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
            i++;
        }
        return i;
    }
}
