package io.ctstream.streams.policy;

import static io.ctstream.streams.policy.PolicyFixtures.alert;
import static io.ctstream.streams.policy.PolicyFixtures.ftp;
import static io.ctstream.streams.policy.PolicyFixtures.ftpCreated;
import static io.ctstream.streams.policy.PolicyFixtures.gate;
import static io.ctstream.streams.policy.PolicyFixtures.ip;
import static io.ctstream.streams.policy.PolicyFixtures.ircCreated;
import static io.ctstream.streams.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.enforcement.gate.GateDecision;
import io.ctstream.enforcement.gate.Refusal;
import io.ctstream.enforcement.gate.VerdictGate;
import io.ctstream.streams.matching.ExpectationMatchProcessor;
import io.ctstream.streams.policy.PolicyEvaluator.Skip;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {

    private static final String POLICY =
            """
            verdictValiditySeconds: 60
            gateways:
              - id: gw
                sensors: [gw]
                helpers: [ftp, irc]
                wildcardSource: true
              - id: dmz
                subnets: [192.0.2.0/24]
                helpers: [ftp]
              - id: gw2
                subnets: [10.77.2.0/24]
                helpers: [ftp]
                pinholeTtlSeconds: 30
            alertResponses:
              ftp-bounce: {blockSeconds: 600}
            """;

    private final PolicyEvaluator evaluator = new PolicyEvaluator(policy(POLICY));

    @Test
    void createdFtpExpectationAllowsExactlyTheExpectedTupleOnEachGatewayThatSeesIt() {
        List<Verdict> verdicts = evaluator.onExpectation(ftpCreated()).verdicts();

        // gw by its sensor, gw2 by its subnet (the server 10.77.2.4); dmz sees neither
        assertThat(verdicts).extracting(Verdict::getGatewayId).containsExactly("gw", "gw2");
        for (Verdict v : verdicts) {
            assertThat(v.getAction()).isEqualTo(VerdictAction.ALLOW);
            VerdictMatch m = v.getMatch();
            assertThat(m.getIpVersion()).isEqualTo(4);
            assertThat(m.getProtocol()).isEqualTo(6);
            assertThat(m.getSrc()).isEqualTo(ip("10.77.1.2")); // FTP pins the source address
            assertThat(m.getSrcPrefixLength()).isEqualTo(-1);
            assertThat(m.getDst()).isEqualTo(ip("10.77.2.4"));
            assertThat(m.getDstPort()).isEqualTo(40000);
            assertThat(v.getEvidence().getExpectationId()).isEqualTo("m1/r/100");
            assertThat(v.getEvidence().getMasterConnectionId()).isEqualTo("m1");
            assertThat(v.getEvidence().getAlertIds()).isEmpty();
            assertThat(v.getIssuedAtMicros()).isEqualTo(1_000_000_000L);
            assertThat(v.getExpiresAtMicros()).isEqualTo(PolicyFixtures.NOW_MICROS + 60_000_000L);
            assertThat(v.getReason()).isEqualTo("ftp expectation");
            assertThat(v.getKeyId()).isNotNull();
            assertThat(v.getSignature()).isNotNull();
        }
        assertThat(verdicts.get(0).getVerdictId()).isEqualTo("m1/r/100/allow/gw");
        assertThat(verdicts.get(0).getTtlSeconds())
                .isEqualTo(300); // default: the expectation's remaining life
        assertThat(verdicts.get(1).getTtlSeconds()).isEqualTo(30); // gw2's pinholeTtlSeconds
        assertThat(verdicts.get(0).getKeyId()).isEqualTo("k1");
        assertThat(verdicts.get(1).getKeyId()).isEqualTo("k2");
    }

    @Test
    void ttlIsWhatIsLeftOfTheExpectationWhenItIsSeenLate() {
        // a CREATED event stamped 100.5 s after creation: 199.5 s left, rounded up
        var late = ftpCreated();
        late.setTimestampMicros(late.getCreatedMicros() + 100_500_000L);
        assertThat(evaluator.onExpectation(late).verdicts().get(0).getTtlSeconds()).isEqualTo(200);
        late.setTimestampMicros(late.getExpiresAtMicros());
        assertThat(evaluator.onExpectation(late).skip()).isEqualTo(Skip.ALREADY_EXPIRED);
    }

    @Test
    void wildcardSourceOnlyWhereTheExpectationHasOne() {
        List<Verdict> irc = evaluator.onExpectation(ircCreated()).verdicts();
        // only gw allows irc; dmz and gw2 do not, whatever they see
        assertThat(irc).extracting(Verdict::getGatewayId).containsExactly("gw");
        assertThat(irc.get(0).getMatch().getSrc()).isNull();
        assertThat(irc.get(0).getMatch().getDst()).isEqualTo(ip("10.77.1.2"));
        assertThat(irc.get(0).getMatch().getDstPort()).isEqualTo(5000);
        assertThat(evaluator.onExpectation(ftpCreated()).verdicts())
                .allSatisfy(v -> assertThat(v.getMatch().getSrc()).isNotNull());
    }

    @Test
    void aWildcardSourceOpensNothingUnlessThePolicySaysSo() {
        PolicyEvaluator narrow =
                new PolicyEvaluator(
                        policy(
                                "gateways:\n  - id: gw\n    sensors: [gw]\n    helpers: [ftp, irc]\n"));
        PolicyEvaluator.Evaluation dcc = narrow.onExpectation(ircCreated());
        assertThat(dcc.verdicts()).isEmpty();
        assertThat(dcc.skip()).isEqualTo(Skip.WILDCARD_SOURCE);
        // an expectation with its source still opens its exact pinhole there
        assertThat(narrow.onExpectation(ftpCreated()).verdicts())
                .hasSize(1)
                .allSatisfy(v -> assertThat(v.getMatch().getSrcPrefixLength()).isEqualTo(-1));
    }

    @Test
    void noVerdictForAHelperTheGatewayDoesNotAllow() {
        PolicyEvaluator ftpOnly =
                new PolicyEvaluator(
                        policy("gateways:\n  - id: gw\n    sensors: [gw]\n    helpers: [ftp]\n"));
        assertThat(ftpOnly.onExpectation(ircCreated()).verdicts()).isEmpty();
        assertThat(ftpOnly.onExpectation(ircCreated()).skip()).isEqualTo(Skip.NO_GATEWAY);
        PolicyEvaluator none =
                new PolicyEvaluator(policy("gateways:\n  - id: gw\n    sensors: [gw]\n"));
        assertThat(none.onExpectation(ftpCreated()).verdicts()).isEmpty();
    }

    @Test
    void noVerdictForAnotherSensorsTraffic() {
        var e = ftpCreated();
        e.setSensorId("elsewhere");
        // gw2 still sees it by subnet; gw (sensor only) does not
        assertThat(evaluator.onExpectation(e).verdicts())
                .extracting(Verdict::getGatewayId)
                .containsExactly("gw2");
    }

    @Test
    void onlyTheSensorsAGatewayTakesPinholesFromOpenOrCloseThem() {
        PolicyEvaluator bound =
                new PolicyEvaluator(
                        policy(
                                """
                gateways:
                  - id: gw
                    sensors: [gw, other]
                    subnets: [10.77.2.0/24]
                    helpers: [ftp]
                    pinholeSensors: [gw]
                """));
        assertThat(bound.onExpectation(ftpCreated()).verdicts())
                .extracting(Verdict::getGatewayId)
                .containsExactly("gw");
        for (ExpectationEventType type :
                List.of(ExpectationEventType.CREATED, ExpectationEventType.FULFILLED)) {
            var forged = ftp(type, 1_000_000_000L + 1_000_000L);
            forged.setSensorId(
                    "other"); // it sees the gateway (sensor and subnet), but may not steer its
            // pinholes
            PolicyEvaluator.Evaluation r = bound.onExpectation(forged);
            assertThat(r.verdicts()).as(type.name()).isEmpty();
            assertThat(r.skip()).isEqualTo(Skip.SENSOR_NOT_ALLOWED);
        }
    }

    @Test
    void fulfilledEvictedExpiredAndMasterDestroyedRevokeThePinholeOnTheSameGateways() {
        List<Verdict> allow = evaluator.onExpectation(ftpCreated()).verdicts();
        // FULFILLED too: the pinhole served its one connection, as the kernel's expectation does
        for (ExpectationEventType end :
                List.of(
                        ExpectationEventType.FULFILLED,
                        ExpectationEventType.EVICTED,
                        ExpectationEventType.EXPIRED,
                        ExpectationEventType.MASTER_DESTROYED)) {
            List<Verdict> revoke = evaluator.onExpectation(ftp(end, 1_050_000_000L)).verdicts();
            assertThat(revoke).extracting(Verdict::getGatewayId).containsExactly("gw", "gw2");
            for (int i = 0; i < revoke.size(); i++) {
                Verdict r = revoke.get(i);
                assertThat(r.getAction()).isEqualTo(VerdictAction.REVOKE);
                assertThat(r.getMatch()).isEqualTo(allow.get(i).getMatch());
                assertThat(r.getVerdictId()).isEqualTo("m1/r/100/revoke/" + r.getGatewayId());
                assertThat(r.getIssuedAtMicros()).isEqualTo(1_050_000_000L);
                assertThat(r.getEvidence().getExpectationId()).isEqualTo("m1/r/100");
            }
        }
        assertThat(
                        evaluator
                                .onExpectation(ftp(ExpectationEventType.EVICTED, 1L))
                                .verdicts()
                                .get(0)
                                .getReason())
                .isEqualTo("ftp expectation evicted (max-expected)");
    }

    @Test
    void rejectedGivesNothing() {
        // refused by the tracker (bounce, forged DCC, expect-max): no pinhole was ever opened
        assertThat(
                        evaluator
                                .onExpectation(ftp(ExpectationEventType.REJECTED, 1_010_000_000L))
                                .verdicts())
                .isEmpty();
        ExpectationEvent expectMax = ftp(ExpectationEventType.REJECTED, 1_010_000_000L);
        expectMax.setReason("expect-max");
        assertThat(evaluator.onExpectation(expectMax).verdicts()).isEmpty();
    }

    @Test
    void aRefusalOfTheMatchersFullTableRevokesThePinholeTheTrackerOpened() {
        List<Verdict> allow = evaluator.onExpectation(ftpCreated()).verdicts();
        ExpectationEvent refused = ftp(ExpectationEventType.REJECTED, 1_000_000_000L);
        refused.setReason(ExpectationMatchProcessor.REJECTED_TABLE_FULL);

        List<Verdict> revoke = evaluator.onExpectation(refused).verdicts();

        assertThat(revoke)
                .extracting(Verdict::getVerdictId)
                .containsExactly("m1/r/100/revoke/gw", "m1/r/100/revoke/gw2");
        assertThat(revoke).extracting(Verdict::getAction).containsOnly(VerdictAction.REVOKE);
        assertThat(revoke)
                .extracting(Verdict::getMatch)
                .containsExactlyElementsOf(allow.stream().map(Verdict::getMatch).toList());
        // whatever revokeOn lists: the matcher never held this expectation, so nothing else would
        // close its pinhole
        PolicyEvaluator expiredOnly = new PolicyEvaluator(policy("revokeOn: [expired]\n" + POLICY));
        assertThat(expiredOnly.onExpectation(refused).verdicts()).hasSize(2);
        assertAllAccepted(revoke);
    }

    @Test
    void revokeOnlyOnTheEndsThePolicyLists() {
        PolicyEvaluator expiredOnly =
                new PolicyEvaluator(
                        policy(
                                "revokeOn: [EXPIRED]\ngateways:\n  - id: gw\n    sensors: [gw]\n    helpers: [ftp]\n"));
        assertThat(expiredOnly.onExpectation(ftp(ExpectationEventType.EXPIRED, 2L)).verdicts())
                .hasSize(1);
        assertThat(expiredOnly.onExpectation(ftp(ExpectationEventType.EVICTED, 2L)).skip())
                .isEqualTo(Skip.NOT_REVOKED_BY_POLICY);
        assertThat(
                        expiredOnly
                                .onExpectation(ftp(ExpectationEventType.MASTER_DESTROYED, 2L))
                                .verdicts())
                .isEmpty();
        // a policy that lists its ends without FULFILLED keeps a fulfilled pinhole until its TTL,
        // as before issue 18
        assertThat(expiredOnly.onExpectation(ftp(ExpectationEventType.FULFILLED, 2L)).skip())
                .isEqualTo(Skip.NOT_REVOKED_BY_POLICY);
    }

    @Test
    void neverPortZeroNorABadAddress() {
        var zero = ftpCreated();
        zero.getExpected().setDstPort(0);
        assertThat(evaluator.onExpectation(zero).skip()).isEqualTo(Skip.PORT_ZERO);
        var wrongLength = ftpCreated();
        wrongLength
                .getExpected()
                .setDst(
                        java.nio.ByteBuffer.wrap(
                                new byte[16])); // IPv6-sized address in an IPv4 tuple
        assertThat(evaluator.onExpectation(wrongLength).skip()).isEqualTo(Skip.BAD_ADDRESS);
    }

    @Test
    void alertWithAResponseBlocksItsSourceOnTheGatewaysThatSeeIt() {
        List<Verdict> blocks = evaluator.onAlert(alert("ftp-bounce", "10.77.1.2", "gw")).verdicts();
        // gw by sensor, gw2 because the control connection's server 10.77.2.4 is behind it
        assertThat(blocks).extracting(Verdict::getGatewayId).containsExactly("gw", "gw2");
        for (Verdict b : blocks) {
            assertThat(b.getAction()).isEqualTo(VerdictAction.BLOCK);
            assertThat(b.getMatch().getSrc()).isEqualTo(ip("10.77.1.2"));
            assertThat(b.getMatch().getDst()).isNull();
            assertThat(b.getMatch().getDstPort()).isZero();
            assertThat(b.getTtlSeconds()).isEqualTo(600);
            assertThat(b.getReason()).isEqualTo("ftp-bounce");
            assertThat(b.getEvidence().getAlertIds()).containsExactly("m1/o/55/ftp-bounce");
            assertThat(b.getEvidence().getMasterConnectionId()).isEqualTo("m1");
            assertThat(b.getVerdictId()).isEqualTo("m1/o/55/ftp-bounce/block/" + b.getGatewayId());
        }
    }

    @Test
    void alertWithoutResponseOrSourceGivesNothing() {
        assertThat(evaluator.onAlert(alert("forged-dcc", "10.77.1.2", "gw")).skip())
                .isEqualTo(Skip.NO_ALERT_RESPONSE);
        assertThat(evaluator.onAlert(alert("ftp-bounce", null, "gw")).skip())
                .isEqualTo(Skip.ALERT_WITHOUT_SOURCE);
    }

    @Test
    void sameInputSameVerdicts() {
        assertThat(evaluator.onExpectation(ftpCreated()).verdicts())
                .isEqualTo(evaluator.onExpectation(ftpCreated()).verdicts());
        assertThat(evaluator.onAlert(alert("ftp-bounce", "10.77.1.2", "gw")).verdicts())
                .isEqualTo(evaluator.onAlert(alert("ftp-bounce", "10.77.1.2", "gw")).verdicts());
    }

    @Test
    void everyVerdictPassesTheEnforcementAgentsGate() {
        List<Verdict> all = new java.util.ArrayList<>();
        all.addAll(evaluator.onExpectation(ftpCreated()).verdicts());
        all.addAll(evaluator.onExpectation(ircCreated()).verdicts());
        all.addAll(
                evaluator
                        .onExpectation(ftp(ExpectationEventType.EVICTED, 1_050_000_000L))
                        .verdicts());
        all.addAll(evaluator.onAlert(alert("ftp-bounce", "10.77.1.2", "gw")).verdicts());
        assertThat(all)
                .extracting(Verdict::getAction)
                .contains(VerdictAction.ALLOW, VerdictAction.REVOKE, VerdictAction.BLOCK);
        assertAllAccepted(all);
    }

    @Test
    void theGateRefusesATamperedOrReplayedVerdict() {
        Verdict v = evaluator.onExpectation(ftpCreated()).verdicts().get(0);
        VerdictGate gate = gate("gw");
        assertThat(gate.check(v).accepted()).isTrue();
        assertThat(gate.check(v).refusal()).isEqualTo(Refusal.REPLAYED);
        Verdict widened = Verdict.newBuilder(v).setVerdictId("other").build();
        widened.getMatch().setDstPort(40001);
        assertThat(gate("gw").check(widened).refusal()).isEqualTo(Refusal.BAD_SIGNATURE);
    }

    /**
     * Every verdict is accepted by its gateway's agent gate (signature, expiry, no replay, breadth
     * limits).
     */
    static void assertAllAccepted(List<Verdict> verdicts) {
        java.util.Map<String, VerdictGate> gates = new java.util.HashMap<>();
        for (Verdict v : verdicts) {
            GateDecision d = gates.computeIfAbsent(v.getGatewayId(), PolicyFixtures::gate).check(v);
            assertThat(d.accepted()).as("%s: %s", v.getVerdictId(), d.reportReason()).isTrue();
        }
    }
}
