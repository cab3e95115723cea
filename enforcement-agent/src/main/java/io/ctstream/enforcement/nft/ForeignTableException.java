package io.ctstream.enforcement.nft;

/**
 * The table named by {@code --table} exists and was not created by a ctstream agent: the agent will
 * not touch it.
 */
public final class ForeignTableException extends NftException {
    public ForeignTableException(String message) {
        super(message);
    }
}
