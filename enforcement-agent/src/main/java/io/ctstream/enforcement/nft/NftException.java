package io.ctstream.enforcement.nft;

/** nft failed (its message is nft's own error output) or could not be run. */
public class NftException extends Exception {
    public NftException(String message) {
        super(message);
    }

    public NftException(String message, Throwable cause) {
        super(message, cause);
    }
}
