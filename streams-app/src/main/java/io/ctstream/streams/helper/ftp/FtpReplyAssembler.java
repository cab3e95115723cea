package io.ctstream.streams.helper.ftp;

import io.ctstream.streams.helper.ParseResult;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Follows the server's replies line by line (ROBUST mode) so a 227/229 is acted on when the reply
 * is complete, as a client does. A multi-line reply (RFC 959 4.2) starts with "227-" and ends with
 * the first line that starts with "227 "; any line in between may carry the address. The line
 * evaluated is the first one of the reply that parses, or the last line when none does (so its
 * rejection is reported).
 */
public final class FtpReplyAssembler {

    /** A complete 227 or 229 reply: the line to evaluate and its stream position. */
    public record CompleteReply(int code, long seq, byte[] line) {}

    private int multilineCode = -1;
    private long candidateSeq;
    private byte[] candidate;

    /** Feeds one reply-direction line; returns the 227/229 reply it completes, or null. */
    public CompleteReply onLine(long seq, byte[] line) {
        FtpReplyParser.ReplyLine r = FtpReplyParser.start(line);
        if (multilineCode >= 0) {
            if (r != null && r.code() == multilineCode && !r.continues()) {
                int code = multilineCode;
                CompleteReply done = null;
                if (isPassive(code)) {
                    done =
                            candidate != null
                                    ? new CompleteReply(code, candidateSeq, candidate)
                                    : new CompleteReply(code, seq, line);
                }
                reset();
                return done;
            }
            offer(seq, line);
            return null;
        }
        if (r == null) {
            return null;
        }
        if (r.continues()) {
            multilineCode = r.code();
            offer(seq, line);
            return null;
        }
        return isPassive(r.code()) ? new CompleteReply(r.code(), seq, line) : null;
    }

    private void offer(long seq, byte[] line) {
        if (candidate == null
                && isPassive(multilineCode)
                && FtpReplyParser.parse(multilineCode, line) instanceof ParseResult.Parsed) {
            candidate = line.clone();
            candidateSeq = seq;
        }
    }

    private static boolean isPassive(int code) {
        return code == 227 || code == 229;
    }

    /**
     * The stream lost bytes: a multi-line reply in progress may have lost its last line, so none is
     * assumed.
     */
    public void gap() {
        reset();
    }

    private void reset() {
        multilineCode = -1;
        candidate = null;
        candidateSeq = 0;
    }

    /** The code of the multi-line reply in progress, or -1. */
    public int multilineCode() {
        return multilineCode;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeShort(multilineCode);
        out.writeInt((int) candidateSeq);
        out.writeInt(candidate == null ? -1 : candidate.length);
        if (candidate != null) {
            out.write(candidate);
        }
    }

    public static FtpReplyAssembler readFrom(DataInput in, int maxLineBytes) throws IOException {
        FtpReplyAssembler a = new FtpReplyAssembler();
        a.multilineCode = in.readShort();
        a.candidateSeq = in.readInt() & 0xffffffffL;
        int n = in.readInt();
        if (n > maxLineBytes || n < -1) {
            throw new IOException("corrupt reply state: candidate of " + n + " bytes");
        }
        if (n >= 0) {
            a.candidate = new byte[n];
            in.readFully(a.candidate);
        }
        return a;
    }
}
