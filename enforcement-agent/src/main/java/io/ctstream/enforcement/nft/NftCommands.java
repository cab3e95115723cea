package io.ctstream.enforcement.nft;

import java.util.List;

/**
 * Writes a batch of {@link NftChange}s as one nft script, applied by {@code nft -f -} as one
 * transaction (all or nothing). nft 1.0.6 (Debian 12) has no {@code destroy element}, {@code add
 * element} of an existing element keeps its old timeout on older kernels (this machine's 6.18
 * resets it), and {@code delete element} of a missing one fails the whole batch, so, on any kernel:
 *
 * <ul>
 *   <li>add or refresh: {@code add element X timeout T; delete element X; add element X timeout T}
 *       — the first add makes X exist, so the delete cannot fail, and the last add sets the new
 *       timeout;
 *   <li>remove if present: {@code add element X timeout 1s; delete element X}.
 * </ul>
 *
 * Within one transaction these leave no window where the element is missing.
 */
public final class NftCommands {
    private final NftRuleset ruleset;

    public NftCommands(NftRuleset ruleset) {
        this.ruleset = ruleset;
    }

    public String script(List<? extends NftChange> changes) {
        StringBuilder s = new StringBuilder();
        for (NftChange c : changes) {
            String target =
                    ruleset.qualifiedTable()
                            + " "
                            + c.element().set().setName()
                            + " { "
                            + c.element().key();
            if (c instanceof NftChange.Add add) {
                String timeout = " timeout " + add.timeoutMillis() + "ms }\n";
                s.append("add element ").append(target).append(timeout);
                s.append("delete element ").append(target).append(" }\n");
                s.append("add element ").append(target).append(timeout);
            } else {
                s.append("add element ").append(target).append(" timeout 1s }\n");
                s.append("delete element ").append(target).append(" }\n");
            }
        }
        return s.toString();
    }

    /** The command that lists the table as JSON with numeric protocols and ports. */
    public List<String> listTableArgs() {
        return List.of("-n", "-j", "list", "table", "inet", ruleset.table());
    }
}
