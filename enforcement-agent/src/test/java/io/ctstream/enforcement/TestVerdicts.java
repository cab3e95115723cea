package io.ctstream.enforcement;

import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.verdict.VerdictKeyring;
import io.ctstream.verdict.VerdictSigner;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Verdicts for tests: built from address literals, signed with a fixed test keyring. */
public final class TestVerdicts {
    public static final String GW = "gw-test";
    public static final byte[] SECRET = bytes(7);
    public static final byte[] OTHER_SECRET = bytes(9);
    public static final String KEY_FILE_TEXT =
            "key."
                    + GW
                    + ".k1 = "
                    + Base64.getEncoder().encodeToString(SECRET)
                    + "\n"
                    + "key.gw-other.k1 = "
                    + Base64.getEncoder().encodeToString(OTHER_SECRET)
                    + "\n";
    public static final VerdictKeyring KEYRING = VerdictKeyring.parse(KEY_FILE_TEXT, "test keys");
    public static final VerdictSigner SIGNER = new VerdictSigner(KEYRING);
    private static final AtomicInteger IDS = new AtomicInteger();

    private TestVerdicts() {}

    static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 17 + i);
        }
        return b;
    }

    public static ByteBuffer ip(String literal) {
        if (literal == null) {
            return null;
        }
        try {
            return ByteBuffer.wrap(InetAddress.getByName(literal).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static VerdictMatch match(String src, int prefix, String dst, int proto, int port) {
        return VerdictMatch.newBuilder()
                .setIpVersion((src != null ? src : dst).contains(":") ? 6 : 4)
                .setProtocol(proto)
                .setSrc(ip(src))
                .setSrcPrefixLength(prefix)
                .setDst(ip(dst))
                .setDstPort(port)
                .build();
    }

    /**
     * An unsigned verdict for {@link #GW}, expiring {@code validForMicros} after {@code nowMicros}.
     */
    public static Verdict unsigned(
            VerdictAction action, VerdictMatch m, int ttl, long nowMicros, long validForMicros) {
        return Verdict.newBuilder()
                .setVerdictId("v-" + IDS.incrementAndGet() + "-" + nowMicros)
                .setGatewayId(GW)
                .setAction(action)
                .setMatch(m)
                .setTtlSeconds(ttl)
                .setReason("test " + action.name().toLowerCase())
                .setEvidence(
                        VerdictEvidence.newBuilder()
                                .setExpectationId("e1")
                                .setAlertIds(List.of())
                                .build())
                .setIssuedAtMicros(nowMicros)
                .setExpiresAtMicros(nowMicros + validForMicros)
                .build();
    }

    public static Verdict signed(VerdictAction action, VerdictMatch m, int ttl, long nowMicros) {
        return SIGNER.sign(unsigned(action, m, ttl, nowMicros, 60_000_000L));
    }

    public static long nowMicros() {
        return System.currentTimeMillis() * 1000;
    }
}
