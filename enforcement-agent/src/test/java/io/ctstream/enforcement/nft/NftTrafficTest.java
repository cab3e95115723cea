package io.ctstream.enforcement.nft;

import static io.ctstream.enforcement.TestVerdicts.match;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.NetworkNamespace;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real packets through the table, the way README tells a gateway to use it: host B's own table
 * drops by default and accepts ctstream's mark; host A sends UDP datagrams to B over a veth pair.
 */
class NftTrafficTest {
    NetworkNamespace a;
    NetworkNamespace b;
    NftProcess nftB;
    final NftRuleset ruleset =
            new NftRuleset(
                    "ctstream",
                    NftRuleset.DEFAULT_PRIORITY,
                    NftRuleset.DEFAULT_ALLOW_MARK,
                    List.of("input"));
    final NftCommands commands = new NftCommands(ruleset);

    @BeforeEach
    void setUp() throws NftException {
        a = NetworkNamespace.open();
        b = NetworkNamespace.open();
        a.exec("ip", "link", "add", "veth-a", "type", "veth", "peer", "name", "veth-b");
        a.exec("ip", "link", "set", "veth-b", "netns", b.name());
        a.exec("ip", "addr", "add", "10.199.0.1/24", "dev", "veth-a");
        b.exec("ip", "addr", "add", "10.199.0.2/24", "dev", "veth-b");
        a.exec("ip", "link", "set", "veth-a", "up");
        b.exec("ip", "link", "set", "veth-b", "up");
        nftB = new NftProcess(b.nftCommand());
        nftB.apply(ruleset.setupScript());
        nftB.apply(
                """
                table inet gateway {
                  chain input {
                    type filter hook input priority filter; policy drop;
                    meta mark & 0x10000000 == 0x10000000 counter accept
                    udp dport 5000-5010 counter
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

    void sendUdp(int port) {
        a.exec("bash", "-c", "echo ctstream > /dev/udp/10.199.0.2/" + port);
    }

    /** Packet counts of the counters of {@code chain}, in rule order. */
    List<Long> counters(String table, String chain) {
        Matcher m =
                Pattern.compile("counter packets (\\d+)")
                        .matcher(b.nft("list", "chain", "inet", table, chain));
        return m.results().map(r -> Long.parseLong(r.group(1))).toList();
    }

    @Test
    void allowedTrafficIsMarkedAndAcceptedByTheGatewayBlockedTrafficIsDropped()
            throws NftException {
        NftElement pinhole =
                VerdictElements.of(
                                VerdictAction.ALLOW,
                                match("10.199.0.1", -1, "10.199.0.2", 17, 5000))
                        .get(0);
        nftB.apply(commands.script(List.of(new NftChange.Add(pinhole, 60_000))));

        sendUdp(5000);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> counters("gateway", "input").get(0) == 1);
        sendUdp(5001); // no pinhole: not marked, so it reaches the gateway's port counter and its
        // policy drops it
        await().atMost(Duration.ofSeconds(10))
                .until(() -> counters("gateway", "input").get(1) == 1);
        assertThat(counters("gateway", "input").get(0)).isEqualTo(1);

        // BLOCK of the source beats the ALLOW: dropped in ctstream's chain, never reaches the
        // gateway's
        NftElement block =
                VerdictElements.of(VerdictAction.BLOCK, match("10.199.0.1", -1, null, 17, 0))
                        .get(0);
        nftB.apply(commands.script(List.of(new NftChange.Add(block, 60_000))));
        sendUdp(5000);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> counters("ctstream", "verdicts").get(0) == 1);
        assertThat(counters("gateway", "input")).containsExactly(1L, 1L);

        // REVOKE both: the pinhole is closed again
        nftB.apply(
                commands.script(
                        VerdictElements.of(
                                        VerdictAction.REVOKE,
                                        match("10.199.0.1", -1, "10.199.0.2", 17, 5000))
                                .stream()
                                .map(e -> (NftChange) new NftChange.Remove(e))
                                .toList()));
        nftB.apply(commands.script(List.of(new NftChange.Remove(block))));
        sendUdp(5000);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> counters("gateway", "input").get(1) == 2);
        assertThat(counters("gateway", "input").get(0)).isEqualTo(1);
    }
}
