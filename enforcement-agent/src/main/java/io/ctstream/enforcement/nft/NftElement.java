package io.ctstream.enforcement.nft;

/**
 * One element of one of the agent's sets, its key written in nft syntax in one canonical form
 * (addresses as Java prints them, prefixes as network/length, protocol and port as numbers), so an
 * element built from a verdict and one parsed from {@code nft -j list} compare equal.
 */
public record NftElement(NftSet set, String key) {
    @Override
    public String toString() {
        return set.setName() + " { " + key + " }";
    }
}
