package io.ctstream.streams.query;

/** A query that cannot be answered, with the HTTP status that says why. */
public final class QueryException extends RuntimeException {
    private final int status;

    public QueryException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
