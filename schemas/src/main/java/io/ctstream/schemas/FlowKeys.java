package io.ctstream.schemas;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.Tuple;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The canonical flow key: both directions of a flow give the same key. The endpoint whose
 * (address as unsigned bytes, then port) sorts lower is A. Everything keyed by flow (the packets
 * topic, the connection store, feedback to the tracker) uses this one function.
 */
public final class FlowKeys {
    private FlowKeys() {
    }

    public static FlowKey of(Tuple t) {
        return of(t.getIpVersion(), t.getProtocol(), bytes(t.getSrc()), t.getSrcPort(), bytes(t.getDst()), t.getDstPort());
    }

    public static FlowKey of(int ipVersion, int protocol, byte[] src, int srcPort, byte[] dst, int dstPort) {
        boolean srcIsA = compareEndpoints(src, srcPort, dst, dstPort) <= 0;
        return FlowKey.newBuilder()
                .setIpVersion(ipVersion)
                .setProtocol(protocol)
                .setAddrA(ByteBuffer.wrap(srcIsA ? src : dst))
                .setPortA(srcIsA ? srcPort : dstPort)
                .setAddrB(ByteBuffer.wrap(srcIsA ? dst : src))
                .setPortB(srcIsA ? dstPort : srcPort)
                .build();
    }

    /** Unsigned address order, then port order. */
    public static int compareEndpoints(byte[] addr1, int port1, byte[] addr2, int port2) {
        int c = Arrays.compareUnsigned(addr1, addr2);
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
