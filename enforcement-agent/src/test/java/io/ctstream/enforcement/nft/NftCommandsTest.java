package io.ctstream.enforcement.nft;

import static io.ctstream.enforcement.TestVerdicts.match;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.VerdictAction;
import java.util.List;
import org.junit.jupiter.api.Test;

class NftCommandsTest {
    final NftCommands commands = new NftCommands(NftRuleset.defaults());

    @Test
    void allowV4() {
        List<NftElement> e =
                VerdictElements.of(
                        VerdictAction.ALLOW, match("192.0.2.10", -1, "198.51.100.7", 6, 40123));
        assertThat(e)
                .containsExactly(
                        new NftElement(NftSet.ALLOW4, "192.0.2.10 . 198.51.100.7 . 6 . 40123"));
        assertThat(commands.script(List.of(new NftChange.Add(e.get(0), 300_000))))
                .isEqualTo(
                        """
                add element inet ctstream allow4 { 192.0.2.10 . 198.51.100.7 . 6 . 40123 timeout 300000ms }
                delete element inet ctstream allow4 { 192.0.2.10 . 198.51.100.7 . 6 . 40123 }
                add element inet ctstream allow4 { 192.0.2.10 . 198.51.100.7 . 6 . 40123 timeout 300000ms }
                """);
    }

    @Test
    void allowV6AndPrefix() {
        assertThat(
                        VerdictElements.of(
                                VerdictAction.ALLOW,
                                match("2001:db8::1", -1, "2001:db8::2", 6, 21)))
                .containsExactly(
                        new NftElement(
                                NftSet.ALLOW6,
                                "2001:db8:0:0:0:0:0:1 . 2001:db8:0:0:0:0:0:2 . 6 . 21"));
        // host bits of a prefix are cleared: the element is the network
        assertThat(
                        VerdictElements.of(
                                VerdictAction.ALLOW, match("10.1.2.3", 24, "10.0.0.2", 17, 53)))
                .containsExactly(new NftElement(NftSet.ALLOW4, "10.1.2.0/24 . 10.0.0.2 . 17 . 53"));
        assertThat(
                        VerdictElements.of(
                                VerdictAction.ALLOW,
                                match("2001:db8:1:2:3::9", 60, "2001:db8::2", 6, 21)))
                .containsExactly(
                        new NftElement(
                                NftSet.ALLOW6,
                                "2001:db8:1:0:0:0:0:0/60 . 2001:db8:0:0:0:0:0:2 . 6 . 21"));
        assertThat(
                        VerdictElements.of(
                                        VerdictAction.ALLOW,
                                        match("10.1.2.3", 32, "10.0.0.2", 17, 53))
                                .get(0)
                                .key())
                .isEqualTo("10.1.2.3 . 10.0.0.2 . 17 . 53");
    }

    @Test
    void wildcardSource() {
        assertThat(VerdictElements.of(VerdictAction.ALLOW, match(null, -1, "10.0.0.2", 6, 5000)))
                .containsExactly(new NftElement(NftSet.ALLOW4_ANYSRC, "10.0.0.2 . 6 . 5000"));
        assertThat(
                        VerdictElements.of(
                                VerdictAction.REVOKE, match(null, -1, "2001:db8::2", 6, 5000)))
                .containsExactly(
                        new NftElement(NftSet.ALLOW6_ANYSRC, "2001:db8:0:0:0:0:0:2 . 6 . 5000"));
    }

    @Test
    void blockAndRevoke() {
        assertThat(VerdictElements.of(VerdictAction.BLOCK, match("203.0.113.5", -1, null, 6, 0)))
                .containsExactly(new NftElement(NftSet.BLOCK4_SRC, "203.0.113.5"));
        assertThat(
                        VerdictElements.of(
                                VerdictAction.BLOCK, match("203.0.113.5", -1, "10.0.0.2", 6, 0)))
                .containsExactly(
                        new NftElement(NftSet.BLOCK4, "203.0.113.5 . 10.0.0.2 . 6 . 0-65535"));
        assertThat(VerdictElements.of(VerdictAction.BLOCK, match("2001:db8::5", 64, null, 6, 0)))
                .containsExactly(new NftElement(NftSet.BLOCK6_SRC, "2001:db8:0:0:0:0:0:0/64"));
        List<NftElement> revoke =
                VerdictElements.of(VerdictAction.REVOKE, match("203.0.113.5", -1, null, 6, 0));
        assertThat(revoke).containsExactly(new NftElement(NftSet.BLOCK4_SRC, "203.0.113.5"));
        assertThat(commands.script(List.of(new NftChange.Remove(revoke.get(0)))))
                .isEqualTo(
                        """
                add element inet ctstream block4_src { 203.0.113.5 timeout 1s }
                delete element inet ctstream block4_src { 203.0.113.5 }
                """);
    }

    @Test
    void malformedMatchesAreClearErrors() {
        assertThatThrownBy(
                        () ->
                                VerdictElements.of(
                                        VerdictAction.ALLOW,
                                        match("10.0.0.1", -1, "2001:db8::1", 6, 21)))
                .hasMessageContaining("16 bytes, not 4");
        assertThatThrownBy(
                        () ->
                                VerdictElements.of(
                                        VerdictAction.ALLOW,
                                        match("10.0.0.1", 33, "10.0.0.2", 6, 21)))
                .hasMessageContaining("prefix length");
        assertThatThrownBy(
                        () ->
                                VerdictElements.of(
                                        VerdictAction.ALLOW,
                                        match("10.0.0.1", -1, "10.0.0.2", 6, 70000)))
                .hasMessageContaining("0-65535");
        assertThatThrownBy(
                        () ->
                                VerdictElements.of(
                                        VerdictAction.BLOCK, match("10.0.0.1", -1, null, 6, 80)))
                .hasMessageContaining("port 0");
    }

    @Test
    void setupScriptCreatesEverySetAndChainIdempotently() {
        String s =
                new NftRuleset("ctstream", -10, 0x10000000L, List.of("forward", "input"))
                        .setupScript();
        assertThat(s)
                .startsWith(
                        "add table inet ctstream { comment \"managed by the ctstream enforcement agent\"; }\n"
                                + "add set inet ctstream ctstream_owner { type inet_service; }\n"); // the ownership mark first
        assertThat(s)
                .contains(
                        "add set inet ctstream allow4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags interval,timeout; }");
        assertThat(s)
                .contains(
                        "add set inet ctstream allow6_anysrc { type ipv6_addr . inet_proto . inet_service; flags timeout; }");
        assertThat(s)
                .contains(
                        "add chain inet ctstream forward { type filter hook forward priority -10; policy accept; }\n"
                                + "flush chain inet ctstream forward\nadd rule inet ctstream forward jump verdicts\n");
        assertThat(s).contains("@allow4 meta mark set meta mark | 0x10000000 counter accept");
        assertThat(s.indexOf("@block4 ")).isLessThan(s.indexOf("@allow4 "));
        assertThat(s).doesNotContain("delete").doesNotContain("flush table");
        String noMark = new NftRuleset("ct2", 5, 0, List.of("input")).setupScript();
        assertThat(noMark)
                .doesNotContain("mark")
                .doesNotContain("hook forward")
                .contains("@allow4 counter accept");
        assertThatThrownBy(() -> new NftRuleset("bad name", 0, 0, List.of("input")))
                .hasMessageContaining("table name");
        assertThatThrownBy(() -> new NftRuleset("t", 0, 0, List.of("prerouting")))
                .hasMessageContaining("hook");
    }
}
