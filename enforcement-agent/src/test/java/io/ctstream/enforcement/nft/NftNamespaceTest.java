package io.ctstream.enforcement.nft;

import static io.ctstream.enforcement.TestVerdicts.match;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.NetworkNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated scripts against the real nft (1.0.6 on Debian 12), in a private network namespace.
 */
class NftNamespaceTest {
    NetworkNamespace ns;
    NftProcess nft;
    final NftRuleset ruleset = NftRuleset.defaults();
    final NftCommands commands = new NftCommands(ruleset);

    final NftElement allow4 =
            VerdictElements.of(VerdictAction.ALLOW, match("10.0.0.1", -1, "10.0.0.2", 6, 2000))
                    .get(0);
    final NftElement allow6 =
            VerdictElements.of(
                            VerdictAction.ALLOW, match("2001:db8::1", -1, "2001:db8::2", 17, 5353))
                    .get(0);
    final NftElement anysrc4 =
            VerdictElements.of(VerdictAction.ALLOW, match(null, -1, "10.0.0.2", 6, 40000)).get(0);
    final NftElement anysrc6 =
            VerdictElements.of(VerdictAction.ALLOW, match(null, -1, "2001:db8::2", 6, 40000))
                    .get(0);
    final NftElement block4src =
            VerdictElements.of(VerdictAction.BLOCK, match("203.0.113.0", 24, null, 6, 0)).get(0);
    final NftElement block4 =
            VerdictElements.of(VerdictAction.BLOCK, match("203.0.113.9", -1, "10.0.0.2", 6, 0))
                    .get(0);
    final NftElement block6 =
            VerdictElements.of(
                            VerdictAction.BLOCK, match("2001:db8:bad::", 48, "2001:db8::2", 6, 21))
                    .get(0);
    final NftElement block6src =
            VerdictElements.of(VerdictAction.BLOCK, match("2001:db8:bad::1", -1, null, 6, 0))
                    .get(0);

    @BeforeEach
    void setUp() throws NftException {
        ns = NetworkNamespace.open();
        nft = new NftProcess(ns.nftCommand());
        nft.apply(ruleset.setupScript());
    }

    @AfterEach
    void tearDown() {
        if (ns != null) {
            ns.close();
        }
    }

    NftState state() throws NftException {
        return NftStateParser.parse(nft.listTableJson(ruleset.table()));
    }

    List<NftChange> addAll(long timeoutMillis) {
        return List.of(allow4, allow6, anysrc4, anysrc6, block4src, block4, block6, block6src)
                .stream()
                .map(e -> (NftChange) new NftChange.Add(e, timeoutMillis))
                .toList();
    }

    @Test
    void appliesEveryKindOfElementWithItsTimeout() throws NftException {
        nft.apply(commands.script(addAll(600_000)));
        NftState s = state();
        assertThat(s.expiresSeconds())
                .containsOnlyKeys(
                        allow4, allow6, anysrc4, anysrc6, block4src, block4, block6, block6src);
        assertThat(s.expiresSeconds().values())
                .allSatisfy(left -> assertThat(left).isBetween(590L, 600L));
        String text = ns.nft("list", "set", "inet", "ctstream", "allow4");
        assertThat(text).contains("10.0.0.1 . 10.0.0.2 . tcp . 2000 timeout 10m expires");
        assertThat(ns.nft("list", "chain", "inet", "ctstream", "forward"))
                .contains("hook forward priority filter - 10; policy accept;");
    }

    @Test
    void reApplyingIsIdempotentAndRefreshesTheTimeout() throws NftException {
        nft.apply(commands.script(addAll(60_000)));
        nft.apply(commands.script(addAll(60_000)));
        nft.apply(ruleset.setupScript()); // the setup again keeps the elements
        assertThat(state().expiresSeconds()).hasSize(8);
        nft.apply(commands.script(List.of(new NftChange.Add(allow4, 3_600_000))));
        assertThat(state().expiresSeconds().get(allow4)).isBetween(3590L, 3600L);
        assertThat(state().expiresSeconds().get(allow6)).isLessThanOrEqualTo(60L);
        // the rules are not duplicated by a second setup
        assertThat(ns.nft("list", "chain", "inet", "ctstream", "verdicts").split("@allow4 ", -1))
                .hasSize(2);
    }

    @Test
    void elementsExpireOnTheirOwn() throws NftException {
        nft.apply(
                commands.script(
                        List.of(
                                new NftChange.Add(allow4, 1_500),
                                new NftChange.Add(block4src, 600_000))));
        assertThat(state().contains(allow4)).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !state().contains(allow4));
        assertThat(state().contains(block4src)).isTrue();
    }

    @Test
    void revokeRemovesAndRevokingAMissingElementDoesNotFail() throws NftException {
        nft.apply(
                commands.script(
                        List.of(
                                new NftChange.Add(allow4, 600_000),
                                new NftChange.Add(block6src, 600_000))));
        nft.apply(
                commands.script(
                        List.of(
                                new NftChange.Remove(allow4),
                                new NftChange.Remove(anysrc6),
                                new NftChange.Remove(block4))));
        NftState s = state();
        assertThat(s.contains(allow4)).isFalse();
        assertThat(s.expiresSeconds()).containsOnlyKeys(block6src);
        // allow, then revoke in the same batch: absent afterwards
        nft.apply(
                commands.script(
                        List.of(
                                new NftChange.Add(anysrc4, 600_000),
                                new NftChange.Remove(anysrc4))));
        assertThat(state().contains(anysrc4)).isFalse();
    }

    @Test
    void aFailingBatchChangesNothing() throws NftException {
        nft.apply(commands.script(List.of(new NftChange.Add(block4src, 600_000))));
        // 203.0.113.9/32 lies inside 203.0.113.0/24: the kernel refuses overlapping intervals
        NftElement inside =
                VerdictElements.of(VerdictAction.BLOCK, match("203.0.113.9", -1, null, 6, 0))
                        .get(0);
        assertThatThrownBy(
                        () ->
                                nft.apply(
                                        commands.script(
                                                List.of(
                                                        new NftChange.Add(allow4, 600_000),
                                                        new NftChange.Add(inside, 600_000)))))
                .isInstanceOf(NftException.class)
                .hasMessageContaining("interval overlaps with an existing one");
        assertThat(state().expiresSeconds()).containsOnlyKeys(block4src);
    }

    @Test
    void listingAMissingTableGivesNull() throws NftException {
        nft.apply("delete table inet ctstream\n");
        assertThat(nft.listTableJson(ruleset.table())).isNull();
    }
}
