package io.ctstream.schemas;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.Tuple;
import io.ctstream.serde.FlowKeySerde;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The canonical flow key: both directions of a flow give the same key. The endpoint whose (address
 * as unsigned bytes, then port) sorts lower is A. Everything keyed by flow (the packets topic, the
 * connection store, feedback to the tracker) uses this one ordering ({@code compare}), either as a
 * {@link FlowKey} ({@link #of}) or straight as {@link FlowKeySerde}'s bytes ({@link
 * #canonicalBytes}, the capture agent's hot path): if two orderings ever disagreed, the two
 * directions of a flow would land on different partitions and co-partitioning would break without
 * an error.
 */
public final class FlowKeys {
    private FlowKeys() {}

    public static FlowKey of(Tuple t) {
        return of(
                t.getIpVersion(),
                t.getProtocol(),
                bytes(t.getSrc()),
                t.getSrcPort(),
                bytes(t.getDst()),
                t.getDstPort());
    }

    public static FlowKey of(
            int ipVersion, int protocol, byte[] src, int srcPort, byte[] dst, int dstPort) {
        boolean srcIsA = compare(src, 0, src.length, srcPort, dst, 0, dst.length, dstPort) <= 0;
        return FlowKey.newBuilder()
                .setIpVersion(ipVersion)
                .setProtocol(protocol)
                .setAddrA(ByteBuffer.wrap(srcIsA ? src : dst))
                .setPortA(srcIsA ? srcPort : dstPort)
                .setAddrB(ByteBuffer.wrap(srcIsA ? dst : src))
                .setPortB(srcIsA ? dstPort : srcPort)
                .build();
    }

    /**
     * The serialized canonical key ({@link FlowKeySerde}'s layout) of one direction's endpoints:
     * {@code len}-byte addresses at {@code srcOff} and {@code dstOff} of {@code buf} (a captured
     * frame). The same bytes as {@code new FlowKeySerde().serialize(topic, of(...))}, without the
     * {@link FlowKey} and its address copies.
     */
    public static byte[] canonicalBytes(
            int ipVersion,
            int protocol,
            byte[] buf,
            int srcOff,
            int srcPort,
            int dstOff,
            int dstPort,
            int len) {
        return compare(buf, srcOff, len, srcPort, buf, dstOff, len, dstPort) <= 0
                ? FlowKeySerde.write(
                        ipVersion, protocol, buf, srcOff, srcPort, buf, dstOff, dstPort, len)
                : FlowKeySerde.write(
                        ipVersion, protocol, buf, dstOff, dstPort, buf, srcOff, srcPort, len);
    }

    /** Unsigned address order, then port order. */
    public static int compareEndpoints(byte[] addr1, int port1, byte[] addr2, int port2) {
        return compare(addr1, 0, addr1.length, port1, addr2, 0, addr2.length, port2);
    }

    /**
     * The one ordering: addresses (byte ranges) compared unsigned, then ports; A is the endpoint
     * that sorts lower.
     */
    private static int compare(
            byte[] buf1,
            int off1,
            int len1,
            int port1,
            byte[] buf2,
            int off2,
            int len2,
            int port2) {
        int c = Arrays.compareUnsigned(buf1, off1, off1 + len1, buf2, off2, off2 + len2);
        return c != 0 ? c : Integer.compare(port1, port2);
    }

    /** The bytes of a buffer without disturbing its position. */
    public static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
