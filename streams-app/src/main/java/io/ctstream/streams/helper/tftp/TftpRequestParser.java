package io.ctstream.streams.helper.tftp;

import io.ctstream.streams.helper.ParseResult;
import java.nio.charset.StandardCharsets;

/**
 * Bytes of one UDP payload → a TFTP request. Pure. Only RRQ and WRQ matter to conntrack (they open
 * the transfer); DATA, ACK, ERROR and OACK are {@link ParseResult.Ignored}. A request without its
 * two NUL-terminated strings, or with a mode RFC 1350 does not know, is {@link
 * ParseResult.Rejected} as malformed.
 */
public final class TftpRequestParser {

    public static final int RRQ = 1;
    public static final int WRQ = 2;

    private TftpRequestParser() {}

    /**
     * The opcode, or -1 when the payload is shorter than one (what the kernel's skb_header_pointer
     * refuses).
     */
    public static int opcode(byte[] payload) {
        return payload.length < 2 ? -1 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    public static ParseResult<TftpRequest> parse(byte[] payload) {
        int opcode = opcode(payload);
        if (opcode != RRQ && opcode != WRQ) {
            return ParseResult.ignored();
        }
        int nameEnd = indexOfNul(payload, 2);
        if (nameEnd <= 2) {
            return ParseResult.rejected("malformed", "request without a file name");
        }
        int modeEnd = indexOfNul(payload, nameEnd + 1);
        if (modeEnd < 0 || modeEnd == nameEnd + 1) {
            return ParseResult.rejected("malformed", "request without a NUL-terminated mode");
        }
        String mode =
                new String(
                        payload, nameEnd + 1, modeEnd - nameEnd - 1, StandardCharsets.ISO_8859_1);
        if (!mode.equalsIgnoreCase("netascii")
                && !mode.equalsIgnoreCase("octet")
                && !mode.equalsIgnoreCase("mail")) {
            return ParseResult.rejected("malformed", "unknown transfer mode '" + mode + "'");
        }
        String name = new String(payload, 2, nameEnd - 2, StandardCharsets.ISO_8859_1);
        return ParseResult.parsed(new TftpRequest(opcode, name, mode));
    }

    private static int indexOfNul(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
