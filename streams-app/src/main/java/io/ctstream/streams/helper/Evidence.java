package io.ctstream.streams.helper;

/** Turns protocol bytes into printable, bounded evidence text for alerts and expectation events. */
public final class Evidence {

    /**
     * Evidence is cut to this many input bytes; the whole line is never needed to judge an alert.
     */
    public static final int MAX_BYTES = 256;

    private Evidence() {}

    /**
     * Printable ASCII kept, CR/LF/TAB as \r \n \t, everything else as \xNN; cut at {@link
     * #MAX_BYTES}.
     */
    public static String of(byte[] bytes, int offset, int length) {
        int n = Math.min(length, MAX_BYTES);
        StringBuilder sb = new StringBuilder(n + 16);
        for (int i = offset; i < offset + n; i++) {
            int b = bytes[i] & 0xff;
            switch (b) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (b >= 0x20 && b < 0x7f) {
                        sb.append((char) b);
                    } else {
                        sb.append(String.format("\\x%02x", b));
                    }
                }
            }
        }
        if (length > n) {
            sb.append("...(").append(length).append(" bytes)");
        }
        return sb.toString();
    }

    public static String of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** A segment's first line (what a kernel helper examined), escaped. */
    public static String firstLine(byte[] payload) {
        int n = 0;
        while (n < payload.length && payload[n] != '\n') {
            n++;
        }
        return of(payload, 0, Math.min(payload.length, n + 1));
    }
}
