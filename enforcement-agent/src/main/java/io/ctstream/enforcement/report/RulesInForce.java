package io.ctstream.enforcement.report;

import io.ctstream.avro.EnforcementOutcome;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.nft.NftElement;
import io.ctstream.enforcement.nft.VerdictElements;
import io.ctstream.verdict.VerdictMatches;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is in force on a gateway, from what its agent reported: the rules the enforcement reports
 * say were applied, in report order (one partition per gateway), each element kept until its TTL
 * runs out or a later applied REVOKE removes it, as the agent's own reconciler decides. The
 * verdicts give each rule's match, key and reason. Pure, and a function of the two topics alone:
 * every instance that reads them lists the same.
 */
public final class RulesInForce {

    /** One rule in force: the nft element and the verdict that put it there. */
    public record Rule(
            NftElement element,
            String origin,
            VerdictAction action,
            String match,
            String verdictId,
            String keyId,
            String reason,
            long sinceMicros,
            long untilMicros) {}

    private final long clockSkewMicros;

    public RulesInForce(long clockSkewMicros) {
        this.clockSkewMicros = clockSkewMicros;
    }

    /**
     * {@code reports} in log order and {@code verdicts} by id (the first copy of each id); rules
     * whose time is not up at {@code nowMicros}, oldest first.
     */
    public List<Rule> at(
            List<EnforcementReport> reports, Map<String, Verdict> verdicts, long nowMicros) {
        Map<NftElement, Rule> inForce = new LinkedHashMap<>();
        Map<String, Boolean> seen = new HashMap<>();
        for (EnforcementReport r : reports) {
            if (r.getOutcome() != EnforcementOutcome.APPLIED
                    || seen.putIfAbsent(r.getVerdictId(), true) != null) {
                continue; // refused or failed changed nothing; a verdict is applied once
            }
            Verdict v = verdicts.get(r.getVerdictId());
            if (v == null) {
                continue; // its verdict is older than what was read: its TTL is up too
            }
            List<NftElement> elements;
            try {
                elements = VerdictElements.of(v.getAction(), v.getMatch());
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (v.getAction() == VerdictAction.REVOKE) {
                elements.forEach(inForce::remove);
                continue;
            }
            // as the reconciler: applied no later than the signed expiry plus the skew, whatever
            // the report says
            long since =
                    Math.min(r.getReportedAtMicros(), v.getExpiresAtMicros() + clockSkewMicros);
            long until = since + v.getTtlSeconds() * 1_000_000L;
            for (NftElement e : elements) {
                inForce.put(
                        e,
                        new Rule(
                                e,
                                origin(v),
                                v.getAction(),
                                VerdictMatches.describe(v.getMatch()),
                                v.getVerdictId(),
                                v.getKeyId(),
                                v.getReason(),
                                since,
                                until));
            }
        }
        List<Rule> out = new ArrayList<>();
        for (Rule rule : inForce.values()) {
            if (rule.untilMicros() > nowMicros) {
                out.add(rule);
            }
        }
        out.sort(Comparator.comparingLong(Rule::sinceMicros));
        return out;
    }

    /**
     * Operator verdicts carry the id {@code ctstream verdict} gives them; everything else is the
     * policy's.
     */
    public static String origin(Verdict v) {
        return v.getVerdictId().startsWith("op-") ? "operator" : "policy";
    }
}
