package io.ctstream.streams.helper.stream;

/**
 * TCP sequence-number arithmetic modulo 2^32 (RFC 1982 style, as the kernel's before()/after()).
 */
public final class Seq {

    private Seq() {}

    /** seq + n, wrapped to 32 bits. */
    public static long add(long seq, long n) {
        return (seq + n) & 0xffffffffL;
    }

    /**
     * Signed distance from {@code from} to {@code to}: positive when {@code to} is after {@code
     * from}.
     */
    public static int distance(long from, long to) {
        return (int) ((to - from) & 0xffffffffL);
    }

    /** The kernel's after(a, b). */
    public static boolean after(long a, long b) {
        return distance(b, a) > 0;
    }

    /** The kernel's before(a, b). */
    public static boolean before(long a, long b) {
        return distance(b, a) < 0;
    }
}
