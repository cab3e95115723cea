package io.ctstream.enforcement.nft;

/** Runs nft: applies scripts as one transaction each, and lists the agent's table. */
public interface NftExecutor {
    /** Applies {@code script} with {@code nft -f -}: all of it or, on failure, none of it. */
    void apply(String script) throws NftException;

    /**
     * {@code nft -n -j list table inet <table>}'s output, or null when the table does not exist.
     */
    String listTableJson(String table) throws NftException;

    /** Releases what the executor holds (a running nft); nothing by default. */
    default void close() {}

    /** True when the executor only prints commands. */
    default boolean dryRun() {
        return false;
    }
}
