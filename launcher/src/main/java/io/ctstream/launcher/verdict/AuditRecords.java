package io.ctstream.launcher.verdict;

import io.ctstream.avro.Alert;
import io.ctstream.avro.OperatorAudit;
import io.ctstream.avro.Severity;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.verdict.VerdictMatches;
import java.nio.ByteBuffer;

/** The audit record and the alert of one operator verdict. */
final class AuditRecords {
    /** The alert type of an operator verdict in the alerts topic. */
    static final String ALERT_TYPE = "operator-verdict";

    private AuditRecords() {}

    static OperatorAudit audit(Verdict v, String user, String reason, String host) {
        return OperatorAudit.newBuilder()
                .setVerdictId(v.getVerdictId())
                .setGatewayId(v.getGatewayId())
                .setAction(v.getAction().name())
                .setMatch(describe(v.getMatch()))
                .setTtlSeconds(v.getTtlSeconds())
                .setReason(reason)
                .setKeyId(v.getKeyId())
                .setUser(user)
                .setHost(host)
                .setTimeMicros(v.getIssuedAtMicros())
                .build();
    }

    /**
     * A BLOCK or ALLOW by hand changes what a gateway lets through: WARNING; a REVOKE only closes:
     * INFO.
     */
    static Alert alert(Verdict v, String user, String reason) {
        VerdictMatch m = v.getMatch();
        ByteBuffer src =
                m.getSrc() != null && m.getSrcPrefixLength() == -1 ? m.getSrc().duplicate() : null;
        return Alert.newBuilder()
                .setAlertId("alert-" + v.getVerdictId())
                .setType(ALERT_TYPE)
                .setSeverity(
                        v.getAction() == VerdictAction.REVOKE ? Severity.INFO : Severity.WARNING)
                .setTimestampMicros(v.getIssuedAtMicros())
                .setSource(src)
                .setMessage(
                        "operator "
                                + user
                                + " (key "
                                + v.getKeyId()
                                + ") "
                                + v.getAction()
                                + " on "
                                + v.getGatewayId()
                                + ": "
                                + describe(m)
                                + (v.getAction() == VerdictAction.REVOKE
                                        ? ""
                                        : " for " + v.getTtlSeconds() + " s")
                                + ": "
                                + reason)
                .setEvidence(v.getVerdictId())
                .build();
    }

    /** "tcp 203.0.113.9 -> 10.0.0.5 port 443" ({@link VerdictMatches#describe}). */
    static String describe(VerdictMatch m) {
        return VerdictMatches.describe(m);
    }
}
