package io.ctstream.streams.helper.ftp;

import io.ctstream.streams.helper.Addresses;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** Small lexical helpers shared by the robust FTP parsers. */
final class FtpText {

    private FtpText() {}

    static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    /** True when every byte is printable ASCII or a tab. */
    static boolean isPrintableAscii(byte[] line) {
        for (byte b : line) {
            if ((b < 0x20 && b != '\t') || b >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** Address from six RFC 959 numbers. */
    static InetAddress address(int[] n) {
        return Addresses.fromBytes(new byte[] {(byte) n[0], (byte) n[1], (byte) n[2], (byte) n[3]});
    }
}
