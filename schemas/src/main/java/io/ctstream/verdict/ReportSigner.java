package io.ctstream.verdict;

import io.ctstream.avro.EnforcementReport;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Signs and verifies enforcement reports with the gateway's keys (the keys that sign its verdicts).
 * An agent rebuilds its table at restart from its own reports; signing them means whoever can write
 * the reports topic cannot make it restore, extend or forget a pinhole, nor refuse a genuine BLOCK
 * as a replay.
 *
 * <p>The signed bytes (big-endian; {@code str} = i32 length + UTF-8, {@code -1} for null):
 *
 * <pre>
 *   u8 version (1), str "ctstream.enforcement-report" (domain: a report's MAC is never a verdict's),
 *   str verdictId, str gatewayId, str outcome, str reason, i64 reportedAtMicros, i64 applyLatencyMicros,
 *   u8 dryRun, u8 has verdictToElementMicros [i64 verdictToElementMicros], str keyId
 * </pre>
 */
public final class ReportSigner {
    private static final byte VERSION = 1;
    private static final String DOMAIN = "ctstream.enforcement-report";

    private final VerdictKeyring keyring;

    public ReportSigner(VerdictKeyring keyring) {
        this.keyring = keyring;
    }

    /** {@code report} with its gateway's active key id and the signature set. */
    public EnforcementReport sign(EnforcementReport report) {
        VerdictKey key = keyring.reportKey(report.getGatewayId());
        EnforcementReport copy =
                EnforcementReport.newBuilder(report)
                        .setKeyId(key.keyId())
                        .setSignature(null)
                        .build();
        copy.setSignature(ByteBuffer.wrap(Hmac.sha256(key, encode(copy))));
        return copy;
    }

    /** Whether the report carries a valid signature by a listed key of its gateway. */
    public boolean verify(EnforcementReport report) {
        ByteBuffer sig = report.getSignature();
        if (report.getKeyId() == null
                || sig == null
                || !sig.hasRemaining()
                || report.getGatewayId() == null
                || report.getVerdictId() == null
                || report.getOutcome() == null) {
            return false;
        }
        Optional<VerdictKey> key = keyring.key(report.getGatewayId(), report.getKeyId());
        if (key.isEmpty()) {
            return false;
        }
        byte[] given = new byte[sig.remaining()];
        sig.duplicate().get(given);
        return MessageDigest.isEqual(Hmac.sha256(key.get(), encode(report)), given);
    }

    static byte[] encode(EnforcementReport r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            str(out, DOMAIN);
            str(out, r.getVerdictId());
            str(out, r.getGatewayId());
            str(out, r.getOutcome().name());
            str(out, r.getReason());
            out.writeLong(r.getReportedAtMicros());
            out.writeLong(r.getApplyLatencyMicros());
            out.writeByte(r.getDryRun() ? 1 : 0);
            out.writeByte(r.getVerdictToElementMicros() == null ? 0 : 1);
            if (r.getVerdictToElementMicros() != null) {
                out.writeLong(r.getVerdictToElementMicros());
            }
            str(out, r.getKeyId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void str(DataOutputStream out, CharSequence s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
