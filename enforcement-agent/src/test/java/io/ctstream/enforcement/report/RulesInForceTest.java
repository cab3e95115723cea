package io.ctstream.enforcement.report;

import static io.ctstream.enforcement.TestVerdicts.match;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.EnforcementOutcome;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RulesInForceTest {
    static final long T = 1_800_000_000_000_000L;
    final List<EnforcementReport> reports = new ArrayList<>();
    final Map<String, Verdict> verdicts = new HashMap<>();

    void verdict(
            String id,
            VerdictAction action,
            VerdictMatch m,
            int ttl,
            long at,
            EnforcementOutcome outcome) {
        verdicts.put(
                id,
                Verdict.newBuilder()
                        .setVerdictId(id)
                        .setGatewayId("gw1")
                        .setAction(action)
                        .setMatch(m)
                        .setTtlSeconds(ttl)
                        .setReason("why " + id)
                        .setEvidence(VerdictEvidence.newBuilder().setAlertIds(List.of()).build())
                        .setIssuedAtMicros(at)
                        .setExpiresAtMicros(at + 60_000_000L)
                        .setKeyId(id.startsWith("op-") ? "op-alice" : "k1")
                        .build());
        reports.add(
                EnforcementReport.newBuilder()
                        .setVerdictId(id)
                        .setGatewayId("gw1")
                        .setOutcome(outcome)
                        .setReportedAtMicros(at + 100_000)
                        .build());
    }

    @Test
    void appliedRulesStayUntilTheirTtlOrARevokeWithOriginKeyAndReason() {
        VerdictMatch pinhole = match("10.0.0.1", -1, "10.0.1.2", 6, 2000);
        VerdictMatch client = match("10.0.0.1", -1, null, 6, 0);
        verdict("p-1", VerdictAction.ALLOW, pinhole, 600, T, EnforcementOutcome.APPLIED);
        verdict(
                "op-block",
                VerdictAction.BLOCK,
                client,
                60,
                T + 1_000_000,
                EnforcementOutcome.APPLIED);
        verdict(
                "op-wide",
                VerdictAction.ALLOW,
                match("10.0.0.0", 24, "10.0.1.2", 6, 22),
                60,
                T,
                EnforcementOutcome.REFUSED);
        RulesInForce rules = new RulesInForce(5_000_000L);

        List<RulesInForce.Rule> at10s = rules.at(reports, verdicts, T + 10_000_000);
        assertThat(at10s)
                .extracting(RulesInForce.Rule::origin)
                .containsExactly("policy", "operator");
        RulesInForce.Rule block = at10s.get(1);
        assertThat(block.action()).isEqualTo(VerdictAction.BLOCK);
        assertThat(block.match()).isEqualTo("tcp 10.0.0.1 -> * port *");
        assertThat(block.keyId()).isEqualTo("op-alice");
        assertThat(block.reason()).isEqualTo("why op-block");
        assertThat(block.sinceMicros()).isEqualTo(T + 1_100_000);
        assertThat(block.untilMicros()).isEqualTo(T + 61_100_000);
        // the block's TTL is up: the pinhole alone
        assertThat(rules.at(reports, verdicts, T + 62_000_000))
                .extracting(RulesInForce.Rule::verdictId)
                .containsExactly("p-1");
        // an operator REVOKE of the pinhole, before its TTL
        verdict(
                "op-revoke",
                VerdictAction.REVOKE,
                pinhole,
                0,
                T + 20_000_000,
                EnforcementOutcome.APPLIED);
        assertThat(rules.at(reports, verdicts, T + 30_000_000))
                .extracting(RulesInForce.Rule::verdictId)
                .containsExactly("op-block");
    }
}
