package io.ctstream.streams.helper.ftp;

import static io.ctstream.streams.helper.ftp.FtpText.isDigit;
import static io.ctstream.streams.helper.ftp.FtpText.isSpace;

import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ParseResult;
import io.ctstream.streams.helper.ftp.FtpMessage.EprtCommand;
import io.ctstream.streams.helper.ftp.FtpMessage.PortCommand;
import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ROBUST parser of one client command line (without its CRLF) into a {@link PortCommand} or {@link
 * EprtCommand}. Tolerant where servers are (verb in any case, runs of spaces or tabs around the
 * argument, leading zeros), strict where a wrong reading would open a wrong hole (exactly six
 * numbers 0..255, a port 1..65535, printable ASCII only, a well-formed address). Every other
 * command is Ignored.
 */
public final class FtpCommandParser {

    private FtpCommandParser() {}

    public static ParseResult<FtpMessage> parse(byte[] line) {
        int i = 0;
        while (i < line.length && isSpace(line[i])) {
            i++;
        }
        int verbStart = i;
        while (i < line.length && !isSpace(line[i])) {
            i++;
        }
        String verb = FtpText.ascii(line, verbStart, i);
        boolean port = verb.equalsIgnoreCase("PORT");
        boolean eprt = verb.equalsIgnoreCase("EPRT");
        if (!port && !eprt) {
            return ParseResult.ignored();
        }
        if (!FtpText.isPrintableAscii(line)) {
            return ParseResult.rejected(
                    "non-ascii", verb.toUpperCase() + " with a control or non-ASCII byte");
        }
        while (i < line.length && isSpace(line[i])) {
            i++;
        }
        int end = line.length;
        while (end > i && isSpace(line[end - 1])) {
            end--;
        }
        String arg = FtpText.ascii(line, i, end);
        return port ? parsePort(arg) : parseEprt(arg);
    }

    /** {@code h1,h2,h3,h4,p1,p2}. */
    static ParseResult<FtpMessage> parsePort(String arg) {
        ParseResult<int[]> numbers = sixNumbers(arg);
        if (!(numbers instanceof ParseResult.Parsed<int[]> p)) {
            return ParseResult.rejected(
                    ((ParseResult.Rejected<int[]>) numbers).reason(),
                    "PORT " + ((ParseResult.Rejected<int[]>) numbers).detail());
        }
        int[] n = p.value();
        int tcpPort = n[4] * 256 + n[5];
        if (tcpPort == 0) {
            return ParseResult.rejected("port-zero", "PORT announces port 0");
        }
        return ParseResult.parsed(new PortCommand(FtpText.address(n), tcpPort));
    }

    /** Exactly six comma-separated decimal numbers (leading zeros allowed), each at most 255. */
    static ParseResult<int[]> sixNumbers(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 6) {
            return ParseResult.rejected(
                    "malformed", "needs six comma-separated numbers: '" + text + "'");
        }
        int[] n = new int[6];
        for (int k = 0; k < 6; k++) {
            String s = parts[k];
            if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(FtpText::isDigit)) {
                return ParseResult.rejected("malformed", "not a number 0..255: '" + s + "'");
            }
            n[k] = (int) Math.min(Long.parseLong(s), 256); // leading zeros allowed, as the kernel
            if (n[k] > 255) {
                return ParseResult.rejected("number-out-of-range", "number over 255: " + n[k]);
            }
        }
        return ParseResult.parsed(n);
    }

    /**
     * {@code <d><proto><d><address><d><port><d>} with any delimiter in ASCII 33..126 that is not a
     * digit.
     */
    static ParseResult<FtpMessage> parseEprt(String arg) {
        if (arg.length() < 7) {
            return ParseResult.rejected("malformed", "EPRT argument too short: '" + arg + "'");
        }
        char d = arg.charAt(0);
        if (d < 33 || d > 126 || isDigit(d)) {
            return ParseResult.rejected(
                    "bad-delimiter", "EPRT delimiter must be ASCII 33..126 and not a digit");
        }
        String[] f = arg.split(Pattern.quote(String.valueOf(d)), -1);
        if (f.length != 5 || !f[0].isEmpty() || !f[4].isEmpty()) {
            return ParseResult.rejected(
                    "malformed", "EPRT needs <d>proto<d>address<d>port<d>: '" + arg + "'");
        }
        Optional<InetAddress> address;
        int proto;
        switch (f[1]) {
            case "1" -> {
                proto = 1;
                address = Addresses.parseIpv4(f[2]);
            }
            case "2" -> {
                proto = 2;
                address = Addresses.parseIpv6(f[2]);
            }
            default -> {
                return ParseResult.rejected(
                        "unsupported-protocol", "EPRT network protocol '" + f[1] + "'");
            }
        }
        if (address.isEmpty()) {
            return ParseResult.rejected(
                    "malformed",
                    "EPRT address is not IPv" + (proto == 1 ? "4" : "6") + ": '" + f[2] + "'");
        }
        ParseResult<Integer> port = tcpPort(f[3]);
        if (port instanceof ParseResult.Rejected<Integer> r) {
            return ParseResult.rejected(r.reason(), "EPRT " + r.detail());
        }
        return ParseResult.parsed(
                new EprtCommand(
                        proto, address.get(), ((ParseResult.Parsed<Integer>) port).value()));
    }

    /** A decimal TCP port 1..65535 (1 to 5 digits). */
    static ParseResult<Integer> tcpPort(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(FtpText::isDigit)) {
            return ParseResult.rejected("malformed", "port is not a number: '" + s + "'");
        }
        long v = Long.parseLong(s);
        if (v == 0) {
            return ParseResult.rejected("port-zero", "port 0");
        }
        if (v > 65535) {
            return ParseResult.rejected("port-out-of-range", "port over 65535: " + v);
        }
        return ParseResult.parsed((int) v);
    }
}
