package io.ctstream.streams.helper.ftp;

import io.ctstream.streams.helper.ParseResult;
import io.ctstream.streams.helper.ftp.FtpMessage.ExtendedPassiveReply;
import io.ctstream.streams.helper.ftp.FtpMessage.PassiveReply;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ROBUST parser of server reply lines (without CRLF). A reply starts with a three-digit code
 * followed by a space (last line) or '-' (first line of a multi-line reply, RFC 959 4.2); {@link
 * FtpReplyAssembler} follows multi-line replies. The address of a 227 is searched in the text as
 * RFC 1123 4.1.2.6 tells clients to (the first h1,h2,h3,h4,p1,p2 anywhere, parentheses or not); a
 * 229 carries {@code (<d><d><d>port<d>)} with any delimiter in ASCII 33..126 other than a digit
 * (RFC 2428). Non-ASCII bytes in the free text are tolerated: only the numbers are read.
 */
public final class FtpReplyParser {

    /** The start of a reply line: its code, and whether a multi-line reply begins ('-'). */
    public record ReplyLine(int code, boolean continues) {}

    private static final Pattern SIX_NUMBERS =
            Pattern.compile(
                    "(?<![0-9,])([0-9]{1,10}),([0-9]{1,10}),([0-9]{1,10}),([0-9]{1,10}),([0-9]{1,10}),([0-9]{1,10})(?![0-9,])");
    private static final Pattern EPSV = Pattern.compile("\\(([!-/:-~])\\1\\1([0-9]{1,5})\\1\\)");

    private FtpReplyParser() {}

    /**
     * The reply code and separator at the start of a line, or null when the line does not start a
     * reply.
     */
    public static ReplyLine start(byte[] line) {
        if (line.length < 3
                || !FtpText.isDigit(line[0])
                || !FtpText.isDigit(line[1])
                || !FtpText.isDigit(line[2])) {
            return null;
        }
        if (line.length > 3 && line[3] != ' ' && line[3] != '-') {
            return null;
        }
        int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        return new ReplyLine(code, line.length > 3 && line[3] == '-');
    }

    /**
     * Parses a 227 or 229 line (first, last or inner line of the reply); other codes are Ignored.
     */
    public static ParseResult<FtpMessage> parse(int code, byte[] line) {
        return switch (code) {
            case 227 -> parsePassive(line);
            case 229 -> parseExtendedPassive(line);
            default -> ParseResult.ignored();
        };
    }

    /** The first h1,h2,h3,h4,p1,p2 in the line after its code. */
    public static ParseResult<FtpMessage> parsePassive(byte[] line) {
        Matcher m = SIX_NUMBERS.matcher(textAfterCode(line));
        if (!m.find()) {
            return ParseResult.rejected("malformed", "227 without h1,h2,h3,h4,p1,p2");
        }
        int[] n = new int[6];
        for (int k = 0; k < 6; k++) {
            n[k] =
                    (int)
                            Math.min(
                                    Long.parseLong(m.group(k + 1)),
                                    256); // leading zeros allowed, as the kernel
            if (n[k] > 255) {
                return ParseResult.rejected("number-out-of-range", "227 number over 255: " + n[k]);
            }
        }
        int port = n[4] * 256 + n[5];
        if (port == 0) {
            return ParseResult.rejected("port-zero", "227 announces port 0");
        }
        return ParseResult.parsed(new PassiveReply(FtpText.address(n), port));
    }

    /** {@code (<d><d><d>port<d>)} anywhere in the line after its code. */
    public static ParseResult<FtpMessage> parseExtendedPassive(byte[] line) {
        Matcher m = EPSV.matcher(textAfterCode(line));
        if (!m.find()) {
            return ParseResult.rejected("malformed", "229 without (<d><d><d>port<d>)");
        }
        int port = Integer.parseInt(m.group(2));
        if (port == 0) {
            return ParseResult.rejected("port-zero", "229 announces port 0");
        }
        if (port > 65535) {
            return ParseResult.rejected("port-out-of-range", "229 port over 65535: " + port);
        }
        return ParseResult.parsed(new ExtendedPassiveReply(port));
    }

    private static String textAfterCode(byte[] line) {
        int from = start(line) != null ? Math.min(4, line.length) : 0;
        return FtpText.ascii(line, from, line.length);
    }
}
