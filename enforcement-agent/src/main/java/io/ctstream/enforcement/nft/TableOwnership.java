package io.ctstream.enforcement.nft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks, before the agent's setup script rewrites chains, that the table is the agent's own:
 * absent (the setup creates it, marked), or carrying the {@link NftRuleset#OWNER_SET} marker set
 * that only the setup creates. Any other table of that name (the gateway's own firewall, another
 * tool's) is refused, since the setup flushes the chains {@code verdicts}, {@code forward} and
 * {@code input} and the reconciler removes every set element it does not expect.
 */
public final class TableOwnership {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TableOwnership() {}

    /**
     * Lists the table with {@code nft} and checks it; throws {@link ForeignTableException} when it
     * is not ours.
     */
    public static void check(NftExecutor nft, NftRuleset ruleset) throws NftException {
        check(nft.listTableJson(ruleset.table()), ruleset);
    }

    /**
     * @param listing {@code nft -j list table inet <table>}'s output, or null when there is no such
     *     table
     */
    public static void check(String listing, NftRuleset ruleset) throws NftException {
        if (listing == null || listing.isBlank()) {
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(listing);
        } catch (Exception e) {
            throw new NftException("nft printed JSON that does not parse: " + e.getMessage(), e);
        }
        for (JsonNode item : root.path("nftables")) {
            JsonNode set = item.get("set");
            if (set != null
                    && NftRuleset.OWNER_SET.equals(set.path("name").asText())
                    && ruleset.table().equals(set.path("table").asText())) {
                return;
            }
        }
        throw new ForeignTableException(
                "nft table "
                        + ruleset.qualifiedTable()
                        + " exists and was not created by "
                        + "ctstream (it has no set "
                        + NftRuleset.OWNER_SET
                        + "); refusing to manage it, which would flush its "
                        + "chains: choose another --table, or delete the table if it is a ctstream table from before "
                        + "this check (nft delete table "
                        + ruleset.qualifiedTable()
                        + "; the agent restores its elements "
                        + "from Kafka)");
    }
}
