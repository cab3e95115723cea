package io.ctstream.enforcement.nft;

import java.util.Collections;
import java.util.Map;

/**
 * The elements of the agent's sets as nft listed them, with the time each has left (nft's JSON
 * gives whole seconds).
 */
public record NftState(Map<NftElement, Long> expiresSeconds) {
    public static final NftState EMPTY = new NftState(Map.of());

    public NftState {
        expiresSeconds = Collections.unmodifiableMap(expiresSeconds);
    }

    public boolean contains(NftElement e) {
        return expiresSeconds.containsKey(e);
    }
}
