package io.ctstream.streams.conntrack;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Tuple;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The canonical {@link FlowKey}: the same for both directions of a flow. The endpoint (address, port) that sorts lower
 * — address bytes compared unsigned, then port — is A. An ICMP/ICMPv6 error is keyed by the flow it quotes, so it
 * meets that flow's connection.
 *
 * <p>The capture agent computes the same key when it publishes; keep the two in step (the lead plans to dedupe).
 */
public final class FlowKeys {

  private FlowKeys() {
  }

  /** Key of the packet: its own flow, or for an ICMP error with a quoted tuple the quoted flow. */
  public static FlowKey of(PacketRecord p) {
    if (p.getIcmpQuoted() != null && IcmpErrorSupport.isError(p)) {
      return of(p.getIcmpQuoted());
    }
    return of(Tuples.of(p));
  }

  /** Key of the flow a tuple belongs to (either direction gives the same key). */
  public static FlowKey of(Tuple t) {
    byte[] src = Tuples.bytes(t.getSrc());
    byte[] dst = Tuples.bytes(t.getDst());
    boolean srcIsA = compare(src, t.getSrcPort(), dst, t.getDstPort()) <= 0;
    return srcIsA
        ? new FlowKey(t.getIpVersion(), t.getProtocol(), ByteBuffer.wrap(src), t.getSrcPort(), ByteBuffer.wrap(dst),
            t.getDstPort())
        : new FlowKey(t.getIpVersion(), t.getProtocol(), ByteBuffer.wrap(dst), t.getDstPort(), ByteBuffer.wrap(src),
            t.getSrcPort());
  }

  /** Orders endpoints: address bytes unsigned (a shorter address first when lengths differ), then port. */
  static int compare(byte[] addrA, int portA, byte[] addrB, int portB) {
    int c = Arrays.compareUnsigned(addrA, addrB);
    return c != 0 ? c : Integer.compare(portA, portB);
  }
}
