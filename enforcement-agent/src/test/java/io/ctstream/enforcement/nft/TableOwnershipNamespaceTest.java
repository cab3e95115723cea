package io.ctstream.enforcement.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.enforcement.NetworkNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ownership mark against the real nft, in a private network namespace. */
class TableOwnershipNamespaceTest {
    NetworkNamespace ns;
    NftProcess nft;
    final NftRuleset ruleset = NftRuleset.defaults();

    @BeforeEach
    void setUp() {
        ns = NetworkNamespace.open();
        nft = new NftProcess(ns.nftCommand());
    }

    @AfterEach
    void tearDown() {
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void aTableTheAgentCreatedIsItsOwnAndAnAbsentOneMayBeCreated() throws NftException {
        TableOwnership.check(nft, ruleset); // absent
        nft.apply(ruleset.setupScript());
        TableOwnership.check(nft, ruleset);
        assertThat(ns.nft("list", "table", "inet", "ctstream"))
                .contains("comment \"" + NftRuleset.OWNER_COMMENT + "\"");
        nft.apply(ruleset.setupScript()); // still idempotent with the mark
        TableOwnership.check(nft, ruleset);
    }

    @Test
    void nftRefusesATableItDoesNotOwnAndLeavesItsChainsAlone() throws NftException {
        // the gateway's own firewall, in a table that happens to have the agent's name and chain
        // names
        nft.apply(
                """
                table inet ctstream {
                  set allow4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags interval,timeout; }
                  chain forward { type filter hook forward priority 0; policy drop; tcp dport 22 accept; }
                }
                """);
        String before = ns.nft("list", "table", "inet", "ctstream");
        assertThatThrownBy(() -> TableOwnership.check(nft, ruleset))
                .isInstanceOf(ForeignTableException.class)
                .hasMessageContaining("inet ctstream")
                .hasMessageContaining("was not created by ctstream");
        assertThat(ns.nft("list", "table", "inet", "ctstream"))
                .isEqualTo(before)
                .contains("tcp dport 22 accept");
        // another table name is the way out: the agent creates and owns that one
        NftRuleset other =
                new NftRuleset(
                        "ctstream2",
                        NftRuleset.DEFAULT_PRIORITY,
                        NftRuleset.DEFAULT_ALLOW_MARK,
                        java.util.List.of("forward"));
        TableOwnership.check(nft, other);
        nft.apply(other.setupScript());
        TableOwnership.check(nft, other);
    }

    @Test
    void theMarkerOfAnotherTableDoesNotCount() {
        String listing =
                """
                {"nftables": [{"table": {"family": "inet", "name": "ctstream", "handle": 1}},
                 {"set": {"family": "inet", "name": "ctstream_owner", "table": "elsewhere", "type": "inet_service"}}]}
                """;
        assertThatThrownBy(() -> TableOwnership.check(listing, ruleset))
                .isInstanceOf(ForeignTableException.class);
    }
}
