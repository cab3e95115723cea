package io.ctstream.enforcement.nft;

import static io.ctstream.enforcement.TestVerdicts.GW;
import static io.ctstream.enforcement.TestVerdicts.match;
import static io.ctstream.enforcement.TestVerdicts.unsigned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.enforcement.NetworkNamespace;
import io.ctstream.enforcement.TestVerdicts;
import io.ctstream.enforcement.gate.GateDecision;
import io.ctstream.enforcement.gate.GateLimits;
import io.ctstream.enforcement.gate.ReplayMemory;
import io.ctstream.enforcement.gate.VerdictGate;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictSigner;
import io.ctstream.verdict.VerdictVerifier;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Precedence of operator verdicts over the policy's, with real packets (root, two namespaces,
 * subnet 10.174.0.0/24): every verdict goes through the gate and its elements into nft as the agent
 * does. An operator BLOCK beats a policy ALLOW; when the BLOCK ends (its TTL, or a REVOKE of it)
 * the policy's pinhole admits again; a REVOKE closes a policy pinhole before its TTL.
 */
class OperatorPrecedenceTest {
    static final String OP_KEY =
            "key."
                    + GW
                    + ".op-alice = "
                    + Base64.getEncoder()
                            .encodeToString(
                                    new byte[] {
                                        9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
                                        9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8
                                    })
                    + "\n"
                    + "scope."
                    + GW
                    + ".op-alice = BLOCK,REVOKE,ALLOW max-ttl=600\n";
    final VerdictKeyring ring = VerdictKeyring.parse(TestVerdicts.KEY_FILE_TEXT + OP_KEY, "keys");
    final VerdictSigner signer = new VerdictSigner(ring);
    final VerdictGate gate =
            new VerdictGate(
                    GW,
                    new VerdictVerifier(ring),
                    GateLimits.defaults(),
                    new ReplayMemory(100),
                    TestVerdicts::nowMicros);
    final NftRuleset ruleset =
            new NftRuleset(
                    "ctstream",
                    NftRuleset.DEFAULT_PRIORITY,
                    NftRuleset.DEFAULT_ALLOW_MARK,
                    List.of("input"));
    final NftCommands commands = new NftCommands(ruleset);
    NetworkNamespace a;
    NetworkNamespace b;
    NftProcess nftB;

    @BeforeEach
    void setUp() throws NftException {
        a = NetworkNamespace.open();
        b = NetworkNamespace.open();
        a.exec("ip", "link", "add", "veth-a", "type", "veth", "peer", "name", "veth-b");
        a.exec("ip", "link", "set", "veth-b", "netns", b.name());
        a.exec("ip", "addr", "add", "10.174.0.1/24", "dev", "veth-a");
        b.exec("ip", "addr", "add", "10.174.0.2/24", "dev", "veth-b");
        a.exec("ip", "link", "set", "veth-a", "up");
        b.exec("ip", "link", "set", "veth-b", "up");
        nftB = new NftProcess(b.nftCommand());
        nftB.apply(ruleset.setupScript());
        // the gateway's own policy: drop, except ctstream's mark (counter 0); counter 1 sees what
        // its policy drops
        nftB.apply(
                """
                table inet gateway {
                  chain input {
                    type filter hook input priority filter; policy drop;
                    meta mark & 0x10000000 == 0x10000000 counter accept
                    udp dport 5000 counter
                  }
                }
                """);
    }

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    /** Through the gate and into the table, as the agent applies a verdict. */
    void apply(Verdict v) throws NftException {
        GateDecision d = gate.check(v);
        assertThat(d.accepted()).as(d.reportReason()).isTrue();
        List<NftChange> changes =
                d.elements().stream()
                        .map(
                                e ->
                                        v.getAction() == VerdictAction.REVOKE
                                                ? (NftChange) new NftChange.Remove(e)
                                                : new NftChange.Add(e, v.getTtlSeconds() * 1000L))
                        .toList();
        nftB.apply(commands.script(changes));
    }

    Verdict policy(VerdictAction action, VerdictMatch m, int ttl) {
        return signer.sign(unsigned(action, m, ttl, TestVerdicts.nowMicros(), 60_000_000L));
    }

    Verdict operator(VerdictAction action, VerdictMatch m, int ttl) {
        return signer.sign(
                unsigned(action, m, ttl, TestVerdicts.nowMicros(), 60_000_000L), "op-alice");
    }

    /**
     * Sends one datagram to port 5000 and says where it ended: "accepted", "blocked" or
     * "policy-drop".
     */
    String send() {
        List<Long> before = counts();
        a.exec("bash", "-c", "echo ctstream > /dev/udp/10.174.0.2/5000");
        String[] where = new String[1];
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> {
                            List<Long> now = counts();
                            if (now.get(0) > before.get(0)) {
                                where[0] = "accepted";
                            } else if (now.get(1) > before.get(1)) {
                                where[0] = "policy-drop";
                            } else if (now.get(2) > before.get(2)) {
                                where[0] = "blocked";
                            }
                            return where[0] != null;
                        });
        return where[0];
    }

    /** [gateway accept, gateway policy drop, ctstream's block4_src drop]. */
    List<Long> counts() {
        Matcher g =
                Pattern.compile("counter packets (\\d+)")
                        .matcher(b.nft("list", "chain", "inet", "gateway", "input"));
        List<Long> gw = g.results().map(r -> Long.parseLong(r.group(1))).toList();
        Matcher c =
                Pattern.compile("counter packets (\\d+)")
                        .matcher(b.nft("list", "chain", "inet", "ctstream", "verdicts"));
        long blocked = c.results().limit(1).mapToLong(r -> Long.parseLong(r.group(1))).sum();
        return List.of(gw.get(0), gw.get(1), blocked);
    }

    @Test
    void anOperatorBlockBeatsThePolicyAllowAndWhenItEndsThePolicyAllowsAgain() throws Exception {
        VerdictMatch pinhole = match("10.174.0.1", -1, "10.174.0.2", 17, 5000);
        VerdictMatch client = match("10.174.0.1", -1, null, 17, 0);
        assertThat(send()).isEqualTo("policy-drop");
        apply(policy(VerdictAction.ALLOW, pinhole, 120));
        assertThat(send()).isEqualTo("accepted");

        // BLOCK for 2 s: blocked, then its element times out and the policy's pinhole admits again
        apply(operator(VerdictAction.BLOCK, client, 2));
        assertThat(send()).isEqualTo("blocked");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> send().equals("accepted"));

        // BLOCK for 10 min, REVOKE of the block (source-only match): only the block goes, the
        // pinhole stays
        apply(operator(VerdictAction.BLOCK, client, 600));
        assertThat(send()).isEqualTo("blocked");
        apply(operator(VerdictAction.REVOKE, client, 0));
        assertThat(send()).isEqualTo("accepted");

        // REVOKE of the policy's pinhole by the operator, long before its 120 s: the gateway's
        // policy drops again
        apply(operator(VerdictAction.REVOKE, pinhole, 0));
        assertThat(send()).isEqualTo("policy-drop");
    }
}
