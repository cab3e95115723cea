package io.ctstream.enforcement.nft;

/**
 * One change to the agent's sets: add (or refresh) an element with a timeout, or remove it if
 * present.
 */
public sealed interface NftChange {
    NftElement element();

    /**
     * Add {@code element}, or reset its timeout to {@code timeoutMillis} if it is already there.
     */
    record Add(NftElement element, long timeoutMillis) implements NftChange {
        public Add {
            if (timeoutMillis <= 0) {
                throw new IllegalArgumentException("timeout must be positive: " + timeoutMillis);
            }
        }
    }

    /** Remove {@code element}; nothing happens (and nothing fails) when it is absent. */
    record Remove(NftElement element) implements NftChange {}
}
