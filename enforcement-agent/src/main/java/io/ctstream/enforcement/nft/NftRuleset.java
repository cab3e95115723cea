package io.ctstream.enforcement.nft;

import java.util.List;
import java.util.Locale;

/**
 * The layout of the agent's own table and the nft script that creates it.
 *
 * <pre>
 * table inet ctstream {
 *   set allow4 / allow6            { type addr . addr . inet_proto . inet_service; flags interval,timeout }
 *   set allow4_anysrc / allow6_anysrc { type addr . inet_proto . inet_service; flags timeout }
 *   set block4 / block6            { type addr . addr . inet_proto . inet_service; flags interval,timeout }
 *   set block4_src / block6_src    { type addr; flags interval,timeout }
 *   chain verdicts {                        # regular chain: the rules
 *     ip saddr @block4_src drop; ip6 saddr @block6_src drop
 *     ip saddr . ip daddr . meta l4proto . th dport @block4 drop   (and v6)
 *     ip saddr . ip daddr . meta l4proto . th dport @allow4 meta mark set meta mark | MARK accept   (and v6)
 *     ip daddr . meta l4proto . th dport @allow4_anysrc meta mark set meta mark | MARK accept        (and v6)
 *   }
 *   chain forward { type filter hook forward priority PRIO; policy accept; jump verdicts }
 *   chain input   { type filter hook input   priority PRIO; policy accept; jump verdicts }
 * }
 * </pre>
 *
 * Blocks come first, so a BLOCK beats an ALLOW of the same traffic. A drop in any table is final;
 * an accept only ends this table's evaluation of the hook, so a gateway whose own forward chain
 * (another table) has {@code policy drop} lets allowed packets through by accepting the mark:
 * {@code meta mark & MARK == MARK accept} (see README). The setup script is idempotent: it creates
 * what is missing, rewrites the chains, and keeps the elements already in the sets. It is run only
 * on a table this agent created (marked by the {@link #OWNER_SET} set, checked by {@link
 * TableOwnership}): the chains it flushes are never another table's.
 */
public final class NftRuleset {

    /**
     * Default base-chain priority: just before the usual {@code filter} (0) chains of the gateway.
     */
    public static final int DEFAULT_PRIORITY = -10;

    /**
     * The set that marks a table as created by this agent: nft 1.0.6 does not print table comments
     * in its JSON, a set it does. Empty, never matched by a rule.
     */
    public static final String OWNER_SET = "ctstream_owner";

    /** The table's comment, for the people who read {@code nft list ruleset}. */
    public static final String OWNER_COMMENT = "managed by the ctstream enforcement agent";

    /** Default packet-mark bit set on allowed packets. */
    public static final long DEFAULT_ALLOW_MARK = 0x10000000L;

    private final String table;
    private final int priority;
    private final long allowMark;
    private final List<String> hooks;

    /**
     * @param table table name in family inet (default "ctstream")
     * @param priority priority of the base chains
     * @param allowMark mark bit(s) OR-ed into allowed packets' mark; 0 for none
     * @param hooks netfilter hooks to attach base chains to: "forward", "input" and/or "output"
     */
    public NftRuleset(String table, int priority, long allowMark, List<String> hooks) {
        if (!table.matches("[A-Za-z][A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException("bad nft table name: " + table);
        }
        if (allowMark < 0 || allowMark > 0xffffffffL) {
            throw new IllegalArgumentException("allow mark must fit 32 bits: " + allowMark);
        }
        for (String h : hooks) {
            if (!List.of("forward", "input", "output").contains(h)) {
                throw new IllegalArgumentException("hook must be forward, input or output: " + h);
            }
        }
        if (hooks.isEmpty()) {
            throw new IllegalArgumentException("at least one hook (forward, input, output)");
        }
        this.table = table;
        this.priority = priority;
        this.allowMark = allowMark;
        this.hooks = List.copyOf(hooks);
    }

    public static NftRuleset defaults() {
        return new NftRuleset(
                "ctstream", DEFAULT_PRIORITY, DEFAULT_ALLOW_MARK, List.of("forward", "input"));
    }

    public String table() {
        return table;
    }

    public long allowMark() {
        return allowMark;
    }

    /** {@code inet <table>}, as nft commands name it. */
    public String qualifiedTable() {
        return "inet " + table;
    }

    /** The script that creates (or brings up to date) the table, keeping existing set elements. */
    public String setupScript() {
        StringBuilder s = new StringBuilder();
        s.append("add table ")
                .append(qualifiedTable())
                .append(" { comment \"")
                .append(OWNER_COMMENT)
                .append("\"; }\n");
        s.append("add set ")
                .append(qualifiedTable())
                .append(' ')
                .append(OWNER_SET)
                .append(" { type inet_service; }\n");
        for (NftSet set : NftSet.values()) {
            s.append("add set ")
                    .append(qualifiedTable())
                    .append(' ')
                    .append(set.setName())
                    .append(" { type ")
                    .append(set.type())
                    .append("; flags ")
                    .append(set.interval() ? "interval,timeout" : "timeout")
                    .append("; }\n");
        }
        String chain = "verdicts";
        s.append("add chain ").append(qualifiedTable()).append(' ').append(chain).append('\n');
        s.append("flush chain ").append(qualifiedTable()).append(' ').append(chain).append('\n');
        String accept =
                (allowMark == 0 ? "" : "meta mark set meta mark | " + hex(allowMark) + " ")
                        + "counter accept";
        for (String rule :
                List.of(
                        "ip saddr @block4_src counter drop",
                        "ip6 saddr @block6_src counter drop",
                        "ip saddr . ip daddr . meta l4proto . th dport @block4 counter drop",
                        "ip6 saddr . ip6 daddr . meta l4proto . th dport @block6 counter drop",
                        "ip saddr . ip daddr . meta l4proto . th dport @allow4 " + accept,
                        "ip6 saddr . ip6 daddr . meta l4proto . th dport @allow6 " + accept,
                        "ip daddr . meta l4proto . th dport @allow4_anysrc " + accept,
                        "ip6 daddr . meta l4proto . th dport @allow6_anysrc " + accept)) {
            s.append("add rule ")
                    .append(qualifiedTable())
                    .append(' ')
                    .append(chain)
                    .append(' ')
                    .append(rule)
                    .append('\n');
        }
        for (String hook : hooks) {
            s.append("add chain ")
                    .append(qualifiedTable())
                    .append(' ')
                    .append(hook)
                    .append(" { type filter hook ")
                    .append(hook)
                    .append(" priority ")
                    .append(priority)
                    .append("; policy accept; }\n");
            s.append("flush chain ").append(qualifiedTable()).append(' ').append(hook).append('\n');
            s.append("add rule ")
                    .append(qualifiedTable())
                    .append(' ')
                    .append(hook)
                    .append(" jump ")
                    .append(chain)
                    .append('\n');
        }
        return s.toString();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v).toLowerCase(Locale.ROOT);
    }
}
