package io.ctstream.registry;

/**
 * A schema registry call failed: the registry answered with an error, answered something that is
 * not a registry response, or could not be reached at all.
 *
 * <p>For an error answer, {@link #httpStatus()} is the HTTP status and {@link #errorCode()} the
 * registry's {@code error_code} (for example {@link #SUBJECT_NOT_FOUND} 40401, {@link
 * #SCHEMA_NOT_FOUND} 40403, or 409 for an incompatible schema). When no HTTP answer was received
 * (connection refused, timeout), both are {@link #NO_RESPONSE}.
 */
public class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Status and error code when the registry gave no HTTP answer. */
    public static final int NO_RESPONSE = -1;

    /** error_code: the subject does not exist. */
    public static final int SUBJECT_NOT_FOUND = 40401;

    /** error_code: the version does not exist under the subject. */
    public static final int VERSION_NOT_FOUND = 40402;

    /** error_code: no such schema (by id, or under the subject in a lookup). */
    public static final int SCHEMA_NOT_FOUND = 40403;

    /**
     * error_code (and HTTP status): the schema is incompatible with the subject's earlier versions.
     */
    public static final int INCOMPATIBLE_SCHEMA = 409;

    /** error_code: the registry rejected the schema text as invalid. */
    public static final int INVALID_SCHEMA = 42201;

    private final int httpStatus;
    private final int errorCode;
    private final String registryMessage;

    public SchemaRegistryException(
            String message,
            int httpStatus,
            int errorCode,
            String registryMessage,
            Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    /** HTTP status of the registry's answer, or {@link #NO_RESPONSE}. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The registry's {@code error_code}; the HTTP status when the answer carried none; {@link
     * #NO_RESPONSE} when there was no answer.
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * The registry's own {@code message} (or the start of the body it sent), null when there was no
     * answer.
     */
    public String registryMessage() {
        return registryMessage;
    }

    /** True for errors that say something does not exist (any 404 answer). */
    public boolean isNotFound() {
        return httpStatus == 404;
    }
}
