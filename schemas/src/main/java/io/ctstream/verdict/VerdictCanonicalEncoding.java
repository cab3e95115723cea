package io.ctstream.verdict;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes a verdict's HMAC is computed over: every field of {@link Verdict} except {@code
 * signature}, in a fixed order, each length-prefixed, so no two different verdicts encode to the
 * same bytes. It does not depend on Avro's binary encoding (which may change with the schema).
 *
 * <p>Layout, all integers big-endian:
 *
 * <pre>
 *   u8   version            (1)
 *   str  domain             "ctstream.verdict" (so the key can never sign another kind of message)
 *   str  verdictId
 *   str  gatewayId
 *   str  action             enum symbol name: ALLOW / BLOCK / REVOKE
 *   i32  match.ipVersion
 *   i32  match.protocol
 *   opt  match.src
 *   i32  match.srcPrefixLength
 *   opt  match.dst
 *   i32  match.dstPort
 *   i32  ttlSeconds
 *   str  reason
 *   ostr evidence.masterConnectionId
 *   ostr evidence.expectationId
 *   i32  evidence.alertIds count, then str per id, in order
 *   i64  issuedAtMicros
 *   i64  expiresAtMicros
 *   ostr keyId
 *
 *   str  = i32 byte length, then UTF-8 bytes
 *   opt  = i32 byte length, then the bytes; length -1 for null
 *   ostr = as str, length -1 for null
 * </pre>
 *
 * Adding a field to Verdict.avsc requires a new version here (the unit test checks that every
 * schema field is covered).
 */
public final class VerdictCanonicalEncoding {

    public static final byte VERSION = 1;
    static final String DOMAIN = "ctstream.verdict";

    /**
     * Schema fields the encoding covers, in encoding order ({@code signature} is what it signs).
     */
    public static final List<String> COVERED_FIELDS =
            List.of(
                    "verdictId",
                    "gatewayId",
                    "action",
                    "match",
                    "ttlSeconds",
                    "reason",
                    "evidence",
                    "issuedAtMicros",
                    "expiresAtMicros",
                    "keyId");

    private VerdictCanonicalEncoding() {}

    /** The canonical bytes of {@code v}; a required field that is null is a clear error. */
    public static byte[] encode(Verdict v) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeByte(VERSION);
            str(out, DOMAIN, "domain");
            str(out, v.getVerdictId(), "verdictId");
            str(out, v.getGatewayId(), "gatewayId");
            str(out, v.getAction() == null ? null : v.getAction().name(), "action");
            VerdictMatch m = v.getMatch();
            if (m == null) {
                throw new IllegalArgumentException("verdict has no match");
            }
            out.writeInt(m.getIpVersion());
            out.writeInt(m.getProtocol());
            optBytes(out, m.getSrc());
            out.writeInt(m.getSrcPrefixLength());
            optBytes(out, m.getDst());
            out.writeInt(m.getDstPort());
            out.writeInt(v.getTtlSeconds());
            str(out, v.getReason(), "reason");
            VerdictEvidence e = v.getEvidence();
            if (e == null) {
                throw new IllegalArgumentException("verdict has no evidence");
            }
            optStr(out, e.getMasterConnectionId());
            optStr(out, e.getExpectationId());
            List<String> alerts = e.getAlertIds() == null ? List.of() : e.getAlertIds();
            out.writeInt(alerts.size());
            for (String id : alerts) {
                str(out, id, "evidence.alertIds[]");
            }
            out.writeLong(v.getIssuedAtMicros());
            out.writeLong(v.getExpiresAtMicros());
            optStr(out, v.getKeyId());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a byte array
        }
        return buf.toByteArray();
    }

    private static void str(DataOutputStream out, String s, String field) throws IOException {
        if (s == null) {
            throw new IllegalArgumentException("verdict field " + field + " is null");
        }
        optStr(out, s);
    }

    private static void optStr(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void optBytes(DataOutputStream out, ByteBuffer bb) throws IOException {
        if (bb == null) {
            out.writeInt(-1);
            return;
        }
        ByteBuffer d = bb.duplicate(); // never move the caller's position
        byte[] b = new byte[d.remaining()];
        d.get(b);
        out.writeInt(b.length);
        out.write(b);
    }
}
