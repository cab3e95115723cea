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

/** The long-lived {@code nft -i} against the real nft, in a private network namespace. */
class NftSessionTest {
    NetworkNamespace ns;
    NftSession session;
    final NftRuleset ruleset = NftRuleset.defaults();
    final NftCommands commands = new NftCommands(ruleset);
    final NftElement a =
            VerdictElements.of(VerdictAction.ALLOW, match("10.0.0.1", -1, "10.0.0.2", 6, 2000))
                    .get(0);
    final NftElement b =
            VerdictElements.of(VerdictAction.ALLOW, match("10.0.0.1", -1, "10.0.0.2", 6, 2001))
                    .get(0);
    final NftElement c =
            VerdictElements.of(VerdictAction.ALLOW, match(null, -1, "10.0.0.2", 6, 40000)).get(0);

    @BeforeEach
    void setUp() throws NftException {
        ns = NetworkNamespace.open();
        session = new NftSession(ns.nftCommand());
        session.apply(ruleset.setupScript()); // blocks of the setup: through a fresh nft process
        session.open();
    }

    @AfterEach
    void tearDown() {
        if (session != null) {
            session.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    NftState state() throws NftException {
        return NftStateParser.parse(session.listTableJson(ruleset.table()));
    }

    static void killEverythingIn(NetworkNamespace ns) {
        try {
            Process p =
                    new ProcessBuilder("sh", "-c", "kill -9 $(ip netns pids " + ns.name() + ")")
                            .inheritIO()
                            .start();
            assertThat(p.waitFor()).isZero();
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pids(ns).isEmpty());
    }

    static String pids(NetworkNamespace ns) throws java.io.IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "pids", ns.name()).start();
        String out =
                new String(
                                p.getInputStream().readAllBytes(),
                                java.nio.charset.StandardCharsets.UTF_8)
                        .strip();
        p.waitFor();
        return out;
    }

    @Test
    void appliesBatchesOneAfterAnotherInOneProcess() throws NftException {
        session.apply(
                commands.script(
                        List.of(new NftChange.Add(a, 60_000), new NftChange.Add(c, 120_000))));
        assertThat(state().expiresSeconds()).containsOnlyKeys(a, c);
        session.apply(
                commands.script(List.of(new NftChange.Add(b, 60_000), new NftChange.Remove(a))));
        assertThat(state().expiresSeconds()).containsOnlyKeys(b, c);
        assertThat(state().expiresSeconds().get(c)).isBetween(110L, 120L);
        // a REVOKE of an element that is not there is no error (add then delete)
        session.apply(commands.script(List.of(new NftChange.Remove(a))));
        assertThat(state().expiresSeconds()).containsOnlyKeys(b, c);
    }

    @Test
    void aFailingBatchChangesNothingSaysWhyAndTheSessionGoesOn() throws NftException {
        String bad =
                commands.script(List.of(new NftChange.Add(a, 60_000)))
                        + "delete element inet ctstream allow4 { 10.9.9.9 . 10.9.9.8 . 6 . 1 }\n"; // not there: the batch fails
        assertThatThrownBy(() -> session.apply(bad))
                .isInstanceOf(NftException.class)
                .hasMessageContaining("Error:")
                .hasMessageContaining("10.9.9.9");
        assertThat(state().expiresSeconds()).isEmpty(); // atomic: a's add was not applied either
        session.apply(commands.script(List.of(new NftChange.Add(a, 60_000))));
        assertThat(state().expiresSeconds()).containsOnlyKeys(a);
    }

    @Test
    void aDeadSessionIsReplacedAndTheBatchStillApplied() throws NftException {
        session.apply(commands.script(List.of(new NftChange.Add(a, 60_000))));
        killEverythingIn(ns); // the running nft -i dies
        session.apply(commands.script(List.of(new NftChange.Add(b, 60_000))));
        session.apply(commands.script(List.of(new NftChange.Add(c, 60_000))));
        assertThat(state().expiresSeconds()).containsOnlyKeys(a, b, c);
    }
}
