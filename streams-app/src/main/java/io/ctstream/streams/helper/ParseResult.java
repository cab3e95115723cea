package io.ctstream.streams.helper;

/**
 * The result of a protocol parser over one line or segment: a typed message, "not something this
 * helper looks for", or a typed rejection of something that looked like a command but is not
 * acceptable.
 */
public sealed interface ParseResult<T> {

    record Parsed<T>(T value) implements ParseResult<T> {}

    /** Not a command or reply this helper is interested in (e.g. "USER anonymous"). */
    record Ignored<T>() implements ParseResult<T> {}

    /**
     * Looked like a command of interest but was refused.
     *
     * @param reason machine-readable: malformed, number-out-of-range, port-zero, port-out-of-range,
     *     non-ascii, bad-delimiter, unsupported-protocol
     * @param detail for humans
     */
    record Rejected<T>(String reason, String detail) implements ParseResult<T> {}

    static <T> ParseResult<T> parsed(T value) {
        return new Parsed<>(value);
    }

    static <T> ParseResult<T> ignored() {
        return new Ignored<>();
    }

    static <T> ParseResult<T> rejected(String reason, String detail) {
        return new Rejected<>(reason, detail);
    }
}
