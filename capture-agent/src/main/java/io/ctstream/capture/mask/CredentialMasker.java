package io.ctstream.capture.mask;

import java.nio.charset.StandardCharsets;

/**
 * Overwrites, in place, the arguments of the command lines that carry credentials (FTP and IRC
 * {@code PASS}, IRC {@code OPER}, NickServ {@code IDENTIFY}) with a filler of the same length, so
 * the payload length, TCP sequence numbers and the helpers' reassembly are exactly as on the wire
 * while no password reaches Kafka.
 *
 * <p>A pure function over bytes: it looks at every line that starts in the given range (the range's
 * start and every byte after a {@code \n}), matches command words case-insensitively as servers do,
 * and masks up to the line's end ({@code \r} or {@code \n}) or the end of the range. Known limit: a
 * command word split across two TCP segments ({@code "PA"} then {@code "SS secret"}) is not
 * recognised, as the masker sees one packet at a time; clients send a command line in one segment.
 */
public final class CredentialMasker {
    /** The filler byte: printable, never a line end, never mistaken for a command. */
    public static final byte FILLER = '*';

    /** Told of each masked line. */
    @FunctionalInterface
    public interface Listener {
        void masked(MaskedCommand command);
    }

    private static final byte[] PASS = bytes("PASS");
    private static final byte[] OPER = bytes("OPER");
    private static final byte[] IDENTIFY = bytes("IDENTIFY");
    private static final byte[] PRIVMSG = bytes("PRIVMSG");
    private static final byte[] NICKSERV = bytes("NICKSERV");
    private static final byte[] NS = bytes("NS");

    private CredentialMasker() {}

    /**
     * Masks every credential line starting in {@code b[off, off + len)}.
     *
     * @return the number of lines masked
     */
    public static int mask(byte[] b, int off, int len, Listener listener) {
        int end = off + len;
        int masked = 0;
        int line = off;
        while (line < end) {
            MaskedCommand c = maskLine(b, line, end);
            if (c != null) {
                masked++;
                listener.masked(c);
            }
            int nl = indexOf(b, line, end, (byte) '\n');
            if (nl < 0) {
                break;
            }
            line = nl + 1;
        }
        return masked;
    }

    /**
     * Masks the arguments of the line at {@code i} if it is a credential command; returns which, or
     * null.
     */
    private static MaskedCommand maskLine(byte[] b, int i, int end) {
        int p = i;
        if (p < end && b[p] == ':') { // an IRC prefix (":nick!user@host "), which a client may send
            p = skipWord(b, p, end);
            p = skipSpaces(b, p, end);
        }
        int afterWord = skipWord(b, p, end);
        if (is(b, p, afterWord, PASS)) {
            return fill(b, skipSpaces(b, afterWord, end), end, MaskedCommand.PASS);
        }
        if (is(b, p, afterWord, OPER)) {
            return fill(b, skipSpaces(b, afterWord, end), end, MaskedCommand.OPER);
        }
        int target;
        if (is(b, p, afterWord, PRIVMSG)) {
            target = skipSpaces(b, afterWord, end);
            int afterTarget = skipWord(b, target, end);
            if (!startsWith(
                    b,
                    target,
                    afterTarget,
                    NICKSERV)) { // "NickServ" or "NickServ@services.example"
                return null;
            }
            p = skipSpaces(b, afterTarget, end);
            if (p < end && b[p] == ':') {
                p++;
            }
        } else if (is(b, p, afterWord, NICKSERV) || is(b, p, afterWord, NS)) {
            p = skipSpaces(b, afterWord, end);
        } else {
            return null;
        }
        int afterCommand = skipWord(b, p, end);
        if (!is(b, p, afterCommand, IDENTIFY)) {
            return null;
        }
        return fill(b, skipSpaces(b, afterCommand, end), end, MaskedCommand.IDENTIFY);
    }

    private static MaskedCommand fill(byte[] b, int from, int end, MaskedCommand c) {
        int i = from;
        while (i < end && b[i] != '\r' && b[i] != '\n') {
            b[i++] = FILLER;
        }
        return i > from ? c : null; // "PASS" with no argument: nothing to hide, nothing counted
    }

    private static int skipWord(byte[] b, int i, int end) {
        while (i < end && b[i] != ' ' && b[i] != '\r' && b[i] != '\n') {
            i++;
        }
        return i;
    }

    private static int skipSpaces(byte[] b, int i, int end) {
        while (i < end && b[i] == ' ') {
            i++;
        }
        return i;
    }

    private static boolean is(byte[] b, int from, int to, byte[] word) {
        return to - from == word.length && startsWith(b, from, to, word);
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] word) {
        if (to - from < word.length) {
            return false;
        }
        for (int k = 0; k < word.length; k++) {
            int c = b[from + k];
            if (c >= 'a' && c <= 'z') {
                c -= 'a' - 'A';
            }
            if (c != word[k]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int from, int end, byte x) {
        for (int i = from; i < end; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
