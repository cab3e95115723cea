package io.ctstream.streams.conntrack;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Tuple;

/**
 * The canonical {@link FlowKey}: the same for both directions of a flow. The endpoint (address, port) that sorts lower
 * — address bytes compared unsigned, then port — is A. An ICMP/ICMPv6 error is keyed by the flow it quotes, so it
 * meets that flow's connection.
 *
 * <p>The ordering itself lives in {@link io.ctstream.schemas.FlowKeys}, shared with every other component.
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
    return io.ctstream.schemas.FlowKeys.of(t);
  }
}
